-- The upstream provider a session signed in through, with its ID token sealed, for signing
-- out of the provider too.
ALTER TABLE sessions ADD COLUMN upstream TEXT;
