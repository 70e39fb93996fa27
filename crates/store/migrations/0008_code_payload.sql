-- What a verification code confirms (e.g. the new email address waiting for verification).
ALTER TABLE verification_codes ADD COLUMN payload TEXT;
