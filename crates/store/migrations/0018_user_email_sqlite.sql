-- ListUsers filters on email through an index: the attribute gets a column of its own.
ALTER TABLE users ADD COLUMN email TEXT;
UPDATE users SET email = json_extract(attributes, '$.email');
CREATE INDEX users_by_email ON users (pool_id, email, username_key);
