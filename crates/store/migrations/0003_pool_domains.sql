-- A host name per pool that serves its pages at the root (Cognito's user pool domain).
CREATE TABLE pool_domains (
    domain   TEXT PRIMARY KEY,
    pool_id  TEXT NOT NULL UNIQUE REFERENCES pools(id) ON DELETE CASCADE
);
