-- Access keys for the Cognito-compatible API (AWS Signature V4), each scoped to some pools.
CREATE TABLE access_keys (
    key_id         TEXT PRIMARY KEY,
    secret_sealed  TEXT NOT NULL,
    pools          TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
