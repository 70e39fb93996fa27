-- Upstream identity providers per pool, and the identifiers (email domains) that route to them.
CREATE TABLE identity_providers (
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE identity_provider_identifiers (
    pool_id     TEXT NOT NULL,
    identifier  TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (pool_id, identifier),
    FOREIGN KEY (pool_id, name) REFERENCES identity_providers(pool_id, name) ON DELETE CASCADE
);
