//! The storage contract, one trait per aggregate. Errors are the domain's: `NotFound`,
//! `Conflict` (a unique key is taken) or `Internal` (the backend failed).

use crate::bulk_traits::{ImportJobStore, ImportStore};
use async_trait::async_trait;
use portcullis_core::Result;
use portcullis_core::access_key::AccessKey;
use portcullis_core::client::AppClient;
use portcullis_core::clock::UnixTime;
use portcullis_core::code::OneTimeRecord;
use portcullis_core::group::Group;
use portcullis_core::idp::IdentityProvider;
use portcullis_core::ids::PoolId;
use portcullis_core::key::{KeyStatus, SigningKey};
use portcullis_core::message::{OutboundMessage, VerificationCode};
use portcullis_core::pool::UserPool;
use portcullis_core::resource_server::ResourceServer;
use portcullis_core::session::{RefreshState, RefreshToken, Session, TokenFamily};
use portcullis_core::throttle::Failures;
use portcullis_core::user::User;
use uuid::Uuid;

#[async_trait]
pub trait PoolStore {
    /// Creates the pool with its first (active) signing key, in one transaction: a pool
    /// never exists without a key to sign its tokens.
    async fn create_pool(&self, pool: &UserPool, first_key: &SigningKey) -> Result<()>;
    async fn get_pool(&self, id: &PoolId) -> Result<Option<UserPool>>;
    async fn list_pools(&self) -> Result<Vec<UserPool>>;
    async fn update_pool(&self, pool: &UserPool) -> Result<()>;
    /// Deletes the pool and everything in it.
    async fn delete_pool(&self, id: &PoolId) -> Result<()>;
    /// Sets (or with `None` removes) the pool's domain; `Conflict(Pool)` if another pool has it.
    async fn set_pool_domain(&self, id: &PoolId, domain: Option<&str>) -> Result<()>;
    async fn pool_by_domain(&self, domain: &str) -> Result<Option<UserPool>>;
    /// Sets (or with `None` removes) one of the pool's secrets, sealed by the caller.
    async fn set_pool_secret(
        &self,
        id: &PoolId,
        which: PoolSecret,
        sealed: Option<&str>,
    ) -> Result<()>;
    async fn pool_secret(&self, id: &PoolId, which: PoolSecret) -> Result<Option<String>>;
}

/// The secrets a pool keeps beside its settings (sealed, never in the settings JSON, so no
/// settings update can lose or expose them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolSecret {
    /// The pool's own SMTP URL, credentials included.
    Smtp,
    /// The keys hook calls are signed with (current, and the retiring one).
    HookKeys,
    /// The Cognito pool users are migrated from, with its credentials.
    MigrationSource,
}

impl PoolSecret {
    /// The statements that write and read its column (fixed text, one pair per slot).
    pub(crate) fn statements(self) -> (&'static str, &'static str) {
        match self {
            PoolSecret::Smtp => (
                "UPDATE pools SET smtp_sealed = $2 WHERE id = $1",
                "SELECT smtp_sealed AS sealed FROM pools WHERE id = $1",
            ),
            PoolSecret::HookKeys => (
                "UPDATE pools SET hook_keys_sealed = $2 WHERE id = $1",
                "SELECT hook_keys_sealed AS sealed FROM pools WHERE id = $1",
            ),
            PoolSecret::MigrationSource => (
                "UPDATE pools SET migration_source_sealed = $2 WHERE id = $1",
                "SELECT migration_source_sealed AS sealed FROM pools WHERE id = $1",
            ),
        }
    }
}

#[async_trait]
pub trait ClientStore {
    async fn create_client(&self, client: &AppClient) -> Result<()>;
    async fn get_client(&self, pool: &PoolId, client_id: &str) -> Result<Option<AppClient>>;
    /// A client by its id alone (ids are unique across pools), as Cognito's auth flows ask.
    async fn find_client(&self, client_id: &str) -> Result<Option<AppClient>>;
    async fn list_clients(&self, pool: &PoolId) -> Result<Vec<AppClient>>;
    async fn update_client(&self, client: &AppClient) -> Result<()>;
    async fn delete_client(&self, pool: &PoolId, client_id: &str) -> Result<()>;
}

#[async_trait]
pub trait ResourceServerStore {
    async fn create_resource_server(&self, rs: &ResourceServer) -> Result<()>;
    async fn get_resource_server(
        &self,
        pool: &PoolId,
        identifier: &str,
    ) -> Result<Option<ResourceServer>>;
    async fn list_resource_servers(&self, pool: &PoolId) -> Result<Vec<ResourceServer>>;
    async fn update_resource_server(&self, rs: &ResourceServer) -> Result<()>;
    async fn delete_resource_server(&self, pool: &PoolId, identifier: &str) -> Result<()>;
}

/// One page of a listing, ordered by a stable key; `next` continues after the last item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[async_trait]
pub trait UserStore {
    /// `Conflict(User)` when the username key is taken in this pool.
    async fn create_user(&self, user: &User, username_key: &str) -> Result<()>;
    /// A new user with the code and message that let them confirm, in one transaction:
    /// either all are written or none (a sign-up never leaves a user who cannot confirm).
    async fn create_user_with_delivery(
        &self,
        user: &User,
        username_key: &str,
        code: Option<&VerificationCode>,
        message: Option<&OutboundMessage>,
    ) -> Result<()>;
    async fn get_user_by_key(&self, pool: &PoolId, username_key: &str) -> Result<Option<User>>;
    async fn get_user_by_sub(&self, pool: &PoolId, sub: Uuid) -> Result<Option<User>>;
    /// How many users the pool has (DescribeUserPool's EstimatedNumberOfUsers).
    async fn count_users(&self, pool: &PoolId) -> Result<u64>;
    /// Users ordered by username key, at most `limit`, starting after `after`.
    async fn list_users(
        &self,
        pool: &PoolId,
        limit: u32,
        after: Option<&str>,
    ) -> Result<Page<User>>;
    /// Replaces status, enabled flag, attributes and credentials (not the username); with
    /// `new_key`, also moves the user to that sign-in key in the same statement
    /// (`Conflict(User)` when another user has it; nothing changes then).
    async fn update_user(&self, user: &User, new_key: Option<&str>) -> Result<()>;
    async fn delete_user(&self, pool: &PoolId, sub: Uuid) -> Result<()>;
    /// Users whose email is within `range` (both ends included), by email then username
    /// key, at most `limit` after `after` (an email and a key); `next` is `email\u{1}key`.
    async fn list_users_by_email(
        &self,
        pool: &PoolId,
        range: (&str, &str),
        limit: u32,
        after: Option<(&str, &str)>,
    ) -> Result<Page<User>>;
}

#[async_trait]
pub trait GroupStore {
    async fn create_group(&self, group: &Group) -> Result<()>;
    async fn get_group(&self, pool: &PoolId, name: &str) -> Result<Option<Group>>;
    async fn list_groups(&self, pool: &PoolId) -> Result<Vec<Group>>;
    async fn update_group(&self, group: &Group) -> Result<()>;
    async fn delete_group(&self, pool: &PoolId, name: &str) -> Result<()>;
    /// Idempotent: adding a member twice is not an error.
    async fn add_user_to_group(&self, pool: &PoolId, group: &str, sub: Uuid) -> Result<()>;
    async fn remove_user_from_group(&self, pool: &PoolId, group: &str, sub: Uuid) -> Result<()>;
    /// The user's groups, by precedence (lowest first, unset last), then name.
    async fn groups_of_user(&self, pool: &PoolId, sub: Uuid) -> Result<Vec<Group>>;
    async fn users_in_group(&self, pool: &PoolId, group: &str) -> Result<Vec<User>>;
}

#[async_trait]
pub trait KeyStore {
    /// Makes `key` the active key in one transaction: the current active key becomes
    /// `Retiring` (still published) and any older retiring key becomes `Retired`.
    async fn rotate_in(&self, key: &SigningKey) -> Result<()>;
    /// Active first, then retiring, then retired; newest first within each.
    async fn list_keys(&self, pool: &PoolId) -> Result<Vec<SigningKey>>;
    async fn active_key(&self, pool: &PoolId) -> Result<Option<SigningKey>>;
    async fn set_key_status(&self, pool: &PoolId, kid: &str, status: KeyStatus) -> Result<()>;
}

/// What happened to a "consume once" call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consumed {
    /// This call won: the record is now spent.
    First(OneTimeRecord),
    /// The record exists but was spent before (a replay: the caller may revoke).
    AlreadyUsed(OneTimeRecord),
    /// No such record, or it expired.
    Missing,
}

#[async_trait]
pub trait OneTimeStore {
    async fn put_one_time(&self, record: &OneTimeRecord) -> Result<()>;
    /// Atomically marks the record spent; of N concurrent calls exactly one gets `First`.
    async fn consume_one_time(
        &self,
        pool: &PoolId,
        key_hash: &str,
        now: UnixTime,
    ) -> Result<Consumed>;
    /// Removes records that expired before `now`; returns how many.
    async fn purge_expired(&self, now: UnixTime) -> Result<u64>;
}

#[async_trait]
pub trait SessionStore {
    async fn create_session(&self, session: &Session) -> Result<()>;
    /// The session if it exists, is not revoked and has not expired at `now`.
    async fn get_session(
        &self,
        pool: &PoolId,
        id_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Session>>;
    async fn revoke_session(&self, pool: &PoolId, id_hash: &str, now: UnixTime) -> Result<()>;
}

#[async_trait]
pub trait TokenStore {
    /// Creates a family and its first refresh token (if any) in one transaction.
    /// `Conflict(Code)` when the family id exists already (for instance revoked by a replay).
    async fn create_family(&self, family: &TokenFamily, first: Option<&RefreshToken>)
    -> Result<()>;
    /// Marks the family revoked, creating a revoked tombstone if it does not exist yet.
    async fn revoke_family(&self, family: &TokenFamily, now: UnixTime) -> Result<()>;
    /// `None`: no such family; `Some(true)`: revoked.
    async fn family_revoked(&self, pool: &PoolId, family_id: &str) -> Result<Option<bool>>;
    async fn get_refresh(&self, pool: &PoolId, token_hash: &str) -> Result<Option<RefreshState>>;
    /// Atomically marks `old_hash` rotated (only if it was not already) and stores `new`;
    /// `false` when another request rotated it first.
    async fn rotate_refresh(
        &self,
        old_hash: &str,
        new: &RefreshToken,
        successor_sealed: &str,
        now: UnixTime,
    ) -> Result<bool>;
    /// Revokes every family and session of a user (global sign-out, password reset).
    /// Revokes the user's token families (all but `keep`, the caller's own, when given) and
    /// sessions, and records `now` as the time before which the user's authorization codes
    /// are void: one transaction.
    async fn revoke_user_tokens(
        &self,
        pool: &PoolId,
        sub: Uuid,
        now: UnixTime,
        keep: Option<&str>,
    ) -> Result<()>;
    /// When the user's tokens were last revoked ([`TokenStore::revoke_user_tokens`]).
    async fn user_revoked_at(&self, pool: &PoolId, sub: Uuid) -> Result<Option<UnixTime>>;
}

#[async_trait]
pub trait ThrottleStore {
    /// Counts one failure under `key` at `now` and returns the count; failures are forgotten
    /// `memory` seconds after the latest one (counting then starts again at 1).
    async fn record_failure(
        &self,
        pool: &PoolId,
        key: &str,
        now: UnixTime,
        memory: i64,
    ) -> Result<u32>;
    /// The failures under `key` still remembered at `now`, and when the latest happened.
    async fn failures(
        &self,
        pool: &PoolId,
        key: &str,
        now: UnixTime,
        memory: i64,
    ) -> Result<Failures>;
    async fn clear_failures(&self, pool: &PoolId, key: &str) -> Result<()>;
}

#[async_trait]
pub trait IdpStore {
    /// Creates the provider and claims its identifiers in one transaction; `Conflict(Pool)`
    /// when the name exists, `Conflict(Code)` when an identifier belongs to another provider.
    async fn create_idp(&self, idp: &IdentityProvider) -> Result<()>;
    async fn get_idp(&self, pool: &PoolId, name: &str) -> Result<Option<IdentityProvider>>;
    async fn list_idps(&self, pool: &PoolId) -> Result<Vec<IdentityProvider>>;
    /// Replaces the provider and its identifiers in one transaction.
    async fn update_idp(&self, idp: &IdentityProvider) -> Result<()>;
    async fn delete_idp(&self, pool: &PoolId, name: &str) -> Result<()>;
    async fn idp_by_identifier(
        &self,
        pool: &PoolId,
        identifier: &str,
    ) -> Result<Option<IdentityProvider>>;
}

#[async_trait]
pub trait MessageStore {
    async fn enqueue_message(&self, m: &OutboundMessage) -> Result<()>;
    /// Queued messages whose next attempt is due at `now`, oldest first.
    async fn due_messages(&self, now: UnixTime, limit: u32) -> Result<Vec<OutboundMessage>>;
    /// Records a delivery attempt's outcome (status, attempts, next time, error, sent time).
    async fn record_delivery(&self, m: &OutboundMessage) -> Result<()>;
    /// The newest messages, of one pool or all.
    async fn recent_messages(
        &self,
        pool: Option<&PoolId>,
        limit: u32,
    ) -> Result<Vec<OutboundMessage>>;
}

#[async_trait]
pub trait VerificationCodeStore {
    /// Replaces the user's code for `purpose`.
    async fn put_code(&self, code: &VerificationCode) -> Result<()>;
    async fn get_code(
        &self,
        pool: &PoolId,
        sub: Uuid,
        purpose: &str,
    ) -> Result<Option<VerificationCode>>;
    /// Counts one attempt and returns the attempts so far (atomic).
    async fn count_code_attempt(&self, pool: &PoolId, sub: Uuid, purpose: &str) -> Result<u32>;
    async fn delete_code(&self, pool: &PoolId, sub: Uuid, purpose: &str) -> Result<()>;
}

#[async_trait]
pub trait AccessKeyStore {
    async fn create_access_key(&self, key: &AccessKey) -> Result<()>;
    async fn get_access_key(&self, key_id: &str) -> Result<Option<AccessKey>>;
    async fn list_access_keys(&self) -> Result<Vec<AccessKey>>;
    async fn delete_access_key(&self, key_id: &str) -> Result<()>;
}

/// Upstream identities linked to users of the pool.
#[async_trait]
pub trait LinkStore {
    /// Links (provider, subject) to the user; `Conflict(User)` if it is linked already.
    async fn link_identity(
        &self,
        pool: &PoolId,
        provider: &str,
        subject: &str,
        user_sub: Uuid,
        now: UnixTime,
    ) -> Result<()>;
    async fn linked_user(
        &self,
        pool: &PoolId,
        provider: &str,
        subject: &str,
    ) -> Result<Option<Uuid>>;
    /// Removes the link; `NotFound(User)` if there was none.
    async fn unlink_identity(&self, pool: &PoolId, provider: &str, subject: &str) -> Result<()>;
    /// The users whose `email` attribute is `email`, compared case-insensitively (at most 10).
    async fn users_with_email(&self, pool: &PoolId, email: &str) -> Result<Vec<User>>;
}

/// Each pool's SAML SP key pair: the key sealed by the caller, the certificate as base64.
#[async_trait]
pub trait SamlKeyStore {
    /// Stores the pair unless the pool has one already (the first writer wins, so nodes
    /// that generate at the same moment agree); returns the pool's pair either way.
    async fn saml_sp_key_or_insert(
        &self,
        pool: &PoolId,
        key_sealed: &str,
        cert: &str,
        now: UnixTime,
    ) -> Result<(String, String)>;
    async fn saml_sp_key(&self, pool: &PoolId) -> Result<Option<(String, String)>>;
    /// The keys beside the current one, `(slot, key_sealed, cert)`, slot `next` (staged) or
    /// `previous` (replaced).
    async fn saml_sp_key_slots(&self, pool: &PoolId) -> Result<Vec<(String, String, String)>>;
    /// Stages the key that comes next; `Conflict` when one is staged already, `NotFound` when
    /// the pool has no current key yet.
    async fn stage_saml_sp_key(
        &self,
        pool: &PoolId,
        key_sealed: &str,
        cert: &str,
        now: UnixTime,
    ) -> Result<()>;
    /// In one step: the current key becomes `previous` (replacing any), the staged key
    /// becomes current. `NotFound` when nothing is staged.
    async fn promote_saml_sp_key(&self, pool: &PoolId, now: UnixTime) -> Result<()>;
    /// Forgets the `previous` key; whether there was one.
    async fn retire_saml_sp_key(&self, pool: &PoolId) -> Result<bool>;
}

/// The facade the rest of Portcullis holds (`Arc<dyn Store>`).
#[async_trait]
pub trait Store:
    PoolStore
    + ClientStore
    + ResourceServerStore
    + UserStore
    + GroupStore
    + KeyStore
    + OneTimeStore
    + SessionStore
    + TokenStore
    + ThrottleStore
    + AccessKeyStore
    + IdpStore
    + MessageStore
    + VerificationCodeStore
    + LinkStore
    + SamlKeyStore
    + ImportStore
    + ImportJobStore
    + Send
    + Sync
{
    /// A cheap round trip to the database, for readiness checks.
    async fn ping(&self) -> Result<()>;
    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str;
}
