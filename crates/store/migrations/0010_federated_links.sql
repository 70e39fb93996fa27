-- Upstream identities linked to existing users (AdminLinkProviderForUser, or the
-- link-by-verified-email policy): a sign-in as (provider, subject) becomes that user.
CREATE TABLE federated_links (
    pool_id     TEXT NOT NULL,
    provider    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_sub    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, provider, subject),
    FOREIGN KEY (pool_id, user_sub) REFERENCES users(pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX federated_links_user ON federated_links (pool_id, user_sub);
