-- The keys a pool's hook calls are signed with (current and retiring), sealed by the
-- master key.
ALTER TABLE pools ADD COLUMN hook_keys_sealed TEXT;
