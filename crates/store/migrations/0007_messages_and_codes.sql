-- Outgoing messages (a queue: delivered by the server, retried with backoff) and the
-- verification codes users receive in them (hashed, with an attempt counter).
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    pool_id          TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE verification_codes (
    pool_id     TEXT NOT NULL,
    sub         TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    attempts    BIGINT NOT NULL,
    sent_count  BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    PRIMARY KEY (pool_id, sub, purpose),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
