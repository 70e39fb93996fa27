-- Portcullis schema v1. Portable SQL: the same file runs on SQLite and PostgreSQL. Every table is keyed on pool_id; deleting a pool cascades.
CREATE TABLE pools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE clients (
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, client_id)
);

CREATE TABLE resource_servers (
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    identifier  TEXT NOT NULL,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier)
);

CREATE TABLE users (
    pool_id       TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    sub           TEXT NOT NULL,
    username      TEXT NOT NULL,
    username_key  TEXT NOT NULL,
    status        TEXT NOT NULL,
    enabled       BIGINT NOT NULL,
    attributes    TEXT NOT NULL,
    password_hash TEXT,
    srp           TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (pool_id, sub),
    UNIQUE (pool_id, username_key)
);

CREATE TABLE groups (
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    precedence  BIGINT,
    role_arn    TEXT,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id     TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    user_sub    TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, user_sub),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, user_sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (pool_id, user_sub);

CREATE TABLE signing_keys (
    pool_id         TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    kid             TEXT NOT NULL,
    algorithm       TEXT NOT NULL,
    status          TEXT NOT NULL,
    public_jwk      TEXT NOT NULL,
    private_sealed  TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (pool_id, kid)
);

CREATE TABLE one_time_records (
    pool_id      TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    key_hash     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    consumed_at  BIGINT,
    PRIMARY KEY (pool_id, key_hash)
);
CREATE INDEX one_time_records_expiry ON one_time_records (expires_at);
