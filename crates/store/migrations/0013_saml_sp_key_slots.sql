-- SAML SP key rotation: beside a pool's current key (saml_sp_keys), the key that comes next
-- (published in the metadata, not yet signing) and the one before (still decrypting what
-- IdPs sealed to it before they fetched the new metadata). Sealed by the master key.
CREATE TABLE saml_sp_key_slots (
    pool_id     TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    slot        TEXT NOT NULL CHECK (slot IN ('next', 'previous')),
    key_sealed  TEXT NOT NULL,
    cert        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, slot)
);
