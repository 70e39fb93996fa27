-- The Cognito pool a pool migrates users from (endpoint, ids, client secret, access keys),
-- sealed by the master key.
ALTER TABLE pools ADD COLUMN migration_source_sealed TEXT;
-- Users waiting for their first sign-in to be checked elsewhere are found by their hash.
CREATE INDEX users_by_password_hash ON users (pool_id, password_hash);
