-- Each pool's SAML service-provider key (sealed by the master key) and its certificate.
CREATE TABLE saml_sp_keys (
    pool_id     TEXT PRIMARY KEY REFERENCES pools(id) ON DELETE CASCADE,
    key_sealed  TEXT NOT NULL,
    cert        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
