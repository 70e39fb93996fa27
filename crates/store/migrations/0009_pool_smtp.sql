-- A pool's own SMTP server: its URL (with credentials) sealed by the master key.
ALTER TABLE pools ADD COLUMN smtp_sealed TEXT;
