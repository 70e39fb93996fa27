-- Sign-in sessions, token families and refresh tokens, login throttling. Portable SQL.
CREATE TABLE sessions (
    pool_id     TEXT NOT NULL,
    id_hash     TEXT NOT NULL,
    sub         TEXT NOT NULL,
    auth_time   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    PRIMARY KEY (pool_id, id_hash),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX sessions_by_user ON sessions (pool_id, sub);

CREATE TABLE token_families (
    pool_id     TEXT NOT NULL,
    family_id   TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    sub         TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    PRIMARY KEY (pool_id, family_id),
    FOREIGN KEY (pool_id, sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, client_id) REFERENCES clients(pool_id, client_id) ON DELETE CASCADE
);
CREATE INDEX token_families_by_user ON token_families (pool_id, sub);

CREATE TABLE refresh_tokens (
    pool_id          TEXT NOT NULL,
    token_hash       TEXT NOT NULL,
    family_id        TEXT NOT NULL,
    client_id        TEXT NOT NULL,
    sub              TEXT NOT NULL,
    scopes           TEXT NOT NULL,
    auth_time        BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    rotated_at       BIGINT,
    successor_hash   TEXT,
    successor_sealed TEXT,
    PRIMARY KEY (pool_id, token_hash),
    FOREIGN KEY (pool_id, family_id) REFERENCES token_families(pool_id, family_id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (pool_id, family_id);

CREATE TABLE login_failures (
    pool_id       TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    throttle_key  TEXT NOT NULL,
    failures      BIGINT NOT NULL,
    window_start  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, throttle_key)
);
