-- When a user's credentials last changed in a way that ends what was issued before (password
-- change or reset, disable, global sign-out): authorization codes issued earlier are refused.
CREATE TABLE user_revocations (
    pool_id     TEXT NOT NULL,
    sub         TEXT NOT NULL,
    revoked_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, sub),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);

-- The time of the latest failure under a throttle key: lockouts grow from it.
ALTER TABLE login_failures ADD COLUMN last_failure BIGINT NOT NULL DEFAULT 0;
UPDATE login_failures SET last_failure = window_start;
