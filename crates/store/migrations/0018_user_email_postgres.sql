-- ListUsers filters on email through an index: the attribute gets a column of its own.
-- Byte order ("C"), so a prefix is one range of the index whatever the database's locale.
ALTER TABLE users ADD COLUMN email TEXT COLLATE "C";
UPDATE users SET email = attributes::json->>'email';
CREATE INDEX users_by_email ON users (pool_id, email, username_key);
