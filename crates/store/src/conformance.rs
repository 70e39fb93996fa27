//! The one conformance suite every backend must pass (Dex's `conformance.RunTests`): each
//! case is a function of a store, run as its own test on a SQLite file and on the
//! PostgreSQL server that `scripts/test.sh` starts (`conformance_cases!`).

use crate::bulk_traits::*;
use crate::traits::*;
use portcullis_core::Error;
use portcullis_core::client::{AppClient, NewClient, OAuthFlow};
use portcullis_core::code::OneTimeRecord;
use portcullis_core::error::Entity;
use portcullis_core::group::Group;
use portcullis_core::ids::PoolId;
use portcullis_core::key::{KeyStatus, SigningKey};
use portcullis_core::pool::{PoolSettings, UserPool};
use portcullis_core::resource_server::{ResourceServer, ResourceServerScope};
use portcullis_core::session::{RefreshToken, Session, TokenFamily};
use portcullis_core::throttle::Failures;
use portcullis_core::user::{User, UserStatus};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One test per case per backend, so a failure names its case and backend
/// (`conformance::sqlite::tenant_isolation`). SQLite cases get a fresh file each; PostgreSQL
/// cases share the server `scripts/test.sh` starts, each working in pools of its own.
macro_rules! conformance_cases {
    (by_ref: $($case:ident),* $(,)?; shared: $($arc:ident),* $(,)?;) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    let (store, _dir) = super::sqlite_store().await;
                    super::$case(&*store).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $arc() {
                    let (store, _dir) = super::sqlite_store().await;
                    super::$arc(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(&*super::postgres_store().await).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $arc() {
                    super::$arc(super::postgres_store().await).await;
                }
            )*
        }
    };
}

conformance_cases! {
    by_ref: the_store_answers, pools_round_trip, tenant_isolation, usernames_are_unique_per_pool_ignoring_case,
        users_update_list_and_delete, group_membership,
        key_rotation_keeps_the_previous_key_published, expired_records_cannot_be_consumed,
        deleting_a_pool_removes_everything_in_it, sessions_expire_and_revoke,
        families_revoke_as_one, login_failures_count_per_window, pool_domains_are_unique,
        pool_secrets_are_per_pool_and_slot, federated_links_map_identities_to_users,
        saml_sp_keys_are_set_once_per_pool, access_keys_round_trip,
        identity_providers_and_identifiers, messages_queue_and_codes_count_attempts,
        imports_are_idempotent_by_sign_in_key, import_jobs_move_once_and_upload_once,
        users_are_found_by_email_range;
    shared: consume_once_under_concurrency, refresh_rotation_is_atomic;
}

async fn messages_queue_and_codes_count_attempts(store: &dyn Store) {
    use portcullis_core::message::{MessageStatus, OutboundMessage, VerificationCode};
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    let msg = |at: i64| OutboundMessage {
        id: uuid::Uuid::new_v4(),
        pool_id: pool.id.clone(),
        recipient: "a@example.com".into(),
        subject: "Your code".into(),
        body_text: "123456".into(),
        purpose: "sign_up".into(),
        status: MessageStatus::Queued,
        attempts: 0,
        next_attempt_at: at,
        last_error: None,
        created_at: at,
        sent_at: None,
    };
    let (m1, m2) = (msg(100), msg(200));
    store.enqueue_message(&m1).await.unwrap();
    store.enqueue_message(&m2).await.unwrap();
    let due: Vec<_> = store
        .due_messages(150, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.pool_id == pool.id)
        .collect();
    assert_eq!(due, vec![m1.clone()]);
    let mut sent = m1.clone();
    sent.status = MessageStatus::Sent;
    sent.attempts = 1;
    sent.sent_at = Some(151);
    store.record_delivery(&sent).await.unwrap();
    assert!(
        store
            .due_messages(300, 10)
            .await
            .unwrap()
            .iter()
            .all(|m| m.id != m1.id)
    );
    let recent = store.recent_messages(Some(&pool.id), 10).await.unwrap();
    assert_eq!(
        recent.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![m2.id, m1.id]
    );
    assert!(
        store
            .recent_messages(Some(&other.id), 10)
            .await
            .unwrap()
            .is_empty()
    );

    let alice = add_user(store, &pool, "alice").await;
    let code = VerificationCode {
        pool_id: pool.id.clone(),
        sub: alice.sub,
        purpose: "sign_up".into(),
        code_hash: "h1".into(),
        expires_at: 1000,
        attempts: 0,
        sent_count: 1,
        window_start: 10,
        payload: Some("new@example.com".into()),
    };
    store.put_code(&code).await.unwrap();
    assert_eq!(
        store
            .count_code_attempt(&pool.id, alice.sub, "sign_up")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .count_code_attempt(&pool.id, alice.sub, "sign_up")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .get_code(&other.id, alice.sub, "sign_up")
            .await
            .unwrap(),
        None
    );
    let replaced = VerificationCode {
        code_hash: "h2".into(),
        attempts: 0,
        sent_count: 2,
        ..code.clone()
    };
    store.put_code(&replaced).await.unwrap();
    assert_eq!(
        store
            .get_code(&pool.id, alice.sub, "sign_up")
            .await
            .unwrap(),
        Some(replaced)
    );
    store
        .delete_code(&pool.id, alice.sub, "sign_up")
        .await
        .unwrap();
    assert_eq!(
        store
            .get_code(&pool.id, alice.sub, "sign_up")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .count_code_attempt(&pool.id, alice.sub, "sign_up")
            .await
            .unwrap(),
        u32::MAX
    );

    // A sign-up writes its user, code and message together, or nothing.
    let gina = user(&pool, "gina");
    let gina_code = VerificationCode {
        sub: gina.sub,
        ..code.clone()
    };
    let clash = OutboundMessage { ..m2.clone() }; // an id that is taken: the last write fails
    assert!(
        store
            .create_user_with_delivery(
                &gina,
                &pool.username_key("gina"),
                Some(&gina_code),
                Some(&clash)
            )
            .await
            .is_err()
    );
    assert_eq!(
        store.get_user_by_sub(&pool.id, gina.sub).await.unwrap(),
        None
    );
    assert_eq!(
        store.get_code(&pool.id, gina.sub, "sign_up").await.unwrap(),
        None
    );
    let welcome = msg(400);
    store
        .create_user_with_delivery(
            &gina,
            &pool.username_key("gina"),
            Some(&gina_code),
            Some(&welcome),
        )
        .await
        .unwrap();
    assert!(
        store
            .get_user_by_sub(&pool.id, gina.sub)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.get_code(&pool.id, gina.sub, "sign_up").await.unwrap(),
        Some(gina_code)
    );
    assert!(
        store
            .recent_messages(Some(&pool.id), 10)
            .await
            .unwrap()
            .iter()
            .any(|m| m.id == welcome.id)
    );
}

async fn identity_providers_and_identifiers(store: &dyn Store) {
    use portcullis_core::idp::{IdentityProvider, ProviderDetails, ProviderType};
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    let idp = |name: &str, ids: &[&str]| IdentityProvider {
        pool_id: pool.id.clone(),
        name: name.into(),
        details: ProviderDetails::parse(
            ProviderType::Oidc,
            &BTreeMap::from([
                ("client_id".to_string(), "c".to_string()),
                ("authorize_scopes".to_string(), "openid".to_string()),
                ("oidc_issuer".to_string(), "https://idp.example".to_string()),
                ("attributes_request_method".to_string(), "GET".to_string()),
            ]),
        )
        .unwrap(),
        secret_sealed: Some("sealed".into()),
        attribute_mapping: BTreeMap::new(),
        identifiers: ids.iter().map(|s| (*s).to_string()).collect(),
        created_at: 1,
        updated_at: 1,
    };
    let okta = idp("Okta", &["acme.com", "acme.org"]);
    store.create_idp(&okta).await.unwrap();
    assert_eq!(
        store.create_idp(&okta).await,
        Err(Error::Conflict(Entity::IdentityProvider))
    );
    // An identifier another provider holds: nothing of the second provider is created.
    assert_eq!(
        store.create_idp(&idp("Azure", &["ACME.com"])).await,
        Err(Error::Conflict(Entity::Code))
    );
    assert_eq!(store.get_idp(&pool.id, "Azure").await.unwrap(), None);
    assert_eq!(
        store
            .idp_by_identifier(&pool.id, "Acme.COM")
            .await
            .unwrap()
            .unwrap()
            .name,
        "Okta"
    );
    assert_eq!(
        store
            .idp_by_identifier(&other.id, "acme.com")
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.get_idp(&other.id, "Okta").await.unwrap(), None);

    let mut moved = okta.clone();
    moved.identifiers = vec!["acme.org".into()];
    store.update_idp(&moved).await.unwrap();
    assert_eq!(
        store.idp_by_identifier(&pool.id, "acme.com").await.unwrap(),
        None
    );
    store
        .create_idp(&idp("Azure", &["acme.com"]))
        .await
        .unwrap();
    assert_eq!(store.list_idps(&pool.id).await.unwrap().len(), 2);
    store.delete_idp(&pool.id, "Okta").await.unwrap();
    assert_eq!(
        store.idp_by_identifier(&pool.id, "acme.org").await.unwrap(),
        None
    );
    assert_eq!(
        store.delete_idp(&pool.id, "Okta").await,
        Err(Error::NotFound(Entity::IdentityProvider))
    );
}

async fn access_keys_round_trip(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let k = portcullis_core::access_key::AccessKey {
        key_id: portcullis_core::access_key::new_key_id(),
        secret_sealed: "sealed".into(),
        pools: vec![pool.id.clone()],
        created_at: 5,
    };
    store.create_access_key(&k).await.unwrap();
    assert_eq!(
        store.create_access_key(&k).await,
        Err(Error::Conflict(Entity::Key))
    );
    assert_eq!(
        store.get_access_key(&k.key_id).await.unwrap(),
        Some(k.clone())
    );
    assert!(store.list_access_keys().await.unwrap().contains(&k));
    store.delete_access_key(&k.key_id).await.unwrap();
    assert_eq!(store.get_access_key(&k.key_id).await.unwrap(), None);
    assert_eq!(
        store.delete_access_key(&k.key_id).await,
        Err(Error::NotFound(Entity::Key))
    );
}

async fn pool_secrets_are_per_pool_and_slot(store: &dyn Store) {
    let a = new_pool(store, PoolSettings::default()).await;
    let b = new_pool(store, PoolSettings::default()).await;
    for which in [PoolSecret::Smtp, PoolSecret::HookKeys] {
        assert_eq!(store.pool_secret(&a.id, which).await.unwrap(), None);
    }
    store
        .set_pool_secret(&a.id, PoolSecret::Smtp, Some("sealed-a"))
        .await
        .unwrap();
    store
        .set_pool_secret(&a.id, PoolSecret::HookKeys, Some("keys-a"))
        .await
        .unwrap();
    let read = |id: PoolId, which| async move { store.pool_secret(&id, which).await.unwrap() };
    assert_eq!(
        read(a.id.clone(), PoolSecret::Smtp).await.as_deref(),
        Some("sealed-a")
    );
    assert_eq!(
        read(a.id.clone(), PoolSecret::HookKeys).await.as_deref(),
        Some("keys-a")
    );
    assert_eq!(
        read(b.id.clone(), PoolSecret::Smtp).await,
        None,
        "tenant isolation"
    );
    // Settings updates leave them alone.
    store.update_pool(&a).await.unwrap();
    assert_eq!(
        read(a.id.clone(), PoolSecret::Smtp).await.as_deref(),
        Some("sealed-a")
    );
    store
        .set_pool_secret(&a.id, PoolSecret::Smtp, None)
        .await
        .unwrap();
    assert_eq!(read(a.id.clone(), PoolSecret::Smtp).await, None);
    assert_eq!(
        read(a.id.clone(), PoolSecret::HookKeys).await.as_deref(),
        Some("keys-a")
    );
    let missing = PoolId::parse("local_zzzzzzzzz").unwrap();
    assert_eq!(
        store
            .set_pool_secret(&missing, PoolSecret::HookKeys, Some("x"))
            .await,
        Err(Error::NotFound(Entity::Pool))
    );
}

async fn pool_domains_are_unique(store: &dyn Store) {
    let a = new_pool(store, PoolSettings::default()).await;
    let b = new_pool(store, PoolSettings::default()).await;
    let domain = format!(
        "auth-{}.example",
        a.id.as_str().to_lowercase().replace('_', "-")
    );
    store.set_pool_domain(&a.id, Some(&domain)).await.unwrap();
    assert_eq!(
        store
            .get_pool(&a.id)
            .await
            .unwrap()
            .unwrap()
            .domain
            .as_deref(),
        Some(domain.as_str())
    );
    assert_eq!(
        store.pool_by_domain(&domain).await.unwrap().unwrap().id,
        a.id
    );
    assert_eq!(
        store.set_pool_domain(&b.id, Some(&domain)).await,
        Err(Error::Conflict(Entity::Pool))
    );
    assert_eq!(store.get_pool(&b.id).await.unwrap().unwrap().domain, None);
    // Replacing and removing.
    let other = format!("x-{domain}");
    store.set_pool_domain(&a.id, Some(&other)).await.unwrap();
    assert_eq!(store.pool_by_domain(&domain).await.unwrap(), None);
    store.set_pool_domain(&b.id, Some(&domain)).await.unwrap();
    store.set_pool_domain(&a.id, None).await.unwrap();
    assert_eq!(store.pool_by_domain(&other).await.unwrap(), None);
    let ghost = PoolId::parse("local_nosuchpoo").unwrap();
    assert_eq!(
        store.set_pool_domain(&ghost, Some("g.example")).await,
        Err(Error::NotFound(Entity::Pool))
    );
    // Deleting the pool frees the domain.
    store.delete_pool(&b.id).await.unwrap();
    assert_eq!(store.pool_by_domain(&domain).await.unwrap(), None);
}

async fn saml_sp_keys_are_set_once_per_pool(store: &dyn Store) {
    let a = new_pool(store, PoolSettings::default()).await;
    let b = new_pool(store, PoolSettings::default()).await;
    assert_eq!(store.saml_sp_key(&a.id).await.unwrap(), None);
    let first = store
        .saml_sp_key_or_insert(&a.id, "key-1", "cert-1", 1)
        .await
        .unwrap();
    assert_eq!(first, ("key-1".to_string(), "cert-1".to_string()));
    let again = store
        .saml_sp_key_or_insert(&a.id, "key-2", "cert-2", 2)
        .await
        .unwrap();
    assert_eq!(again, first, "the first key stays");
    assert_eq!(store.saml_sp_key(&b.id).await.unwrap(), None, "per pool");
    let missing = PoolId::parse("local_yyyyyyyyy").unwrap();
    assert!(
        store
            .saml_sp_key_or_insert(&missing, "k", "c", 3)
            .await
            .is_err()
    );

    // Rotation: stage, promote, retire.
    let slots = |p: &PoolId| {
        let p = p.clone();
        async move { store.saml_sp_key_slots(&p).await.unwrap() }
    };
    assert!(
        matches!(
            store.stage_saml_sp_key(&b.id, "k", "c", 4).await,
            Err(Error::NotFound(_))
        ),
        "nothing to rotate before the first key"
    );
    assert!(matches!(
        store.promote_saml_sp_key(&a.id, 4).await,
        Err(Error::NotFound(_))
    ));
    store
        .stage_saml_sp_key(&a.id, "key-3", "cert-3", 5)
        .await
        .unwrap();
    assert!(
        matches!(
            store.stage_saml_sp_key(&a.id, "key-4", "cert-4", 6).await,
            Err(Error::Conflict(_))
        ),
        "one staged key at a time"
    );
    assert_eq!(
        slots(&a.id).await,
        [("next".into(), "key-3".into(), "cert-3".into())]
    );
    assert_eq!(
        store.saml_sp_key(&a.id).await.unwrap(),
        Some(first.clone()),
        "still signing with the first"
    );
    store.promote_saml_sp_key(&a.id, 7).await.unwrap();
    assert_eq!(
        store.saml_sp_key(&a.id).await.unwrap(),
        Some(("key-3".to_string(), "cert-3".to_string()))
    );
    assert_eq!(
        slots(&a.id).await,
        [("previous".into(), "key-1".into(), "cert-1".into())]
    );
    // A second round replaces the previous key.
    store
        .stage_saml_sp_key(&a.id, "key-5", "cert-5", 8)
        .await
        .unwrap();
    store.promote_saml_sp_key(&a.id, 9).await.unwrap();
    assert_eq!(
        slots(&a.id).await,
        [("previous".into(), "key-3".into(), "cert-3".into())]
    );
    assert!(store.retire_saml_sp_key(&a.id).await.unwrap());
    assert!(!store.retire_saml_sp_key(&a.id).await.unwrap());
    assert!(slots(&a.id).await.is_empty());
    assert_eq!(
        slots(&b.id).await,
        Vec::<(String, String, String)>::new(),
        "per pool"
    );
}

async fn federated_links_map_identities_to_users(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    let ann = add_user(store, &pool, "ann_x").await;
    let bob = add_user(store, &pool, "bob").await;
    store
        .link_identity(&pool.id, "Okta", "00u1", ann.sub, 1)
        .await
        .unwrap();
    assert_eq!(
        store.linked_user(&pool.id, "Okta", "00u1").await.unwrap(),
        Some(ann.sub)
    );
    assert_eq!(
        store.linked_user(&other.id, "Okta", "00u1").await.unwrap(),
        None
    );
    assert_eq!(
        store.linked_user(&pool.id, "okta", "00u1").await.unwrap(),
        None
    );
    assert_eq!(
        store
            .link_identity(&pool.id, "Okta", "00u1", bob.sub, 2)
            .await,
        Err(Error::Conflict(Entity::User)),
        "one upstream identity, one user"
    );
    store
        .unlink_identity(&pool.id, "Okta", "00u1")
        .await
        .unwrap();
    assert_eq!(
        store.unlink_identity(&pool.id, "Okta", "00u1").await,
        Err(Error::NotFound(Entity::User))
    );
    // Deleting the user removes its links.
    store
        .link_identity(&pool.id, "Okta", "00u2", bob.sub, 3)
        .await
        .unwrap();
    store.delete_user(&pool.id, bob.sub).await.unwrap();
    assert_eq!(
        store.linked_user(&pool.id, "Okta", "00u2").await.unwrap(),
        None
    );
    // Email lookup: case-insensitive, exact (LIKE wildcards in the address match themselves).
    let found = store
        .users_with_email(&pool.id, "ANN_X@example.com")
        .await
        .unwrap();
    assert_eq!(found.iter().map(|u| u.sub).collect::<Vec<_>>(), [ann.sub]);
    assert!(
        store
            .users_with_email(&pool.id, "annxx@example.com")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .users_with_email(&other.id, "ann_x@example.com")
            .await
            .unwrap()
            .is_empty()
    );
}

async fn imports_are_idempotent_by_sign_in_key(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    for (p, name) in [(&pool, "staff"), (&other, "staff")] {
        let g = Group {
            pool_id: p.id.clone(),
            name: name.into(),
            description: None,
            precedence: None,
            role_arn: None,
        };
        store.create_group(&g).await.unwrap();
    }
    let row = |p: &UserPool, name: &str, groups: &[&str]| ImportedUser {
        user: user(p, name),
        username_key: p.username_key(name),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    };
    // 450 users: more than one multi-row statement; the last repeats the first's name.
    let mut batch: Vec<ImportedUser> = (0..449)
        .map(|i| {
            row(
                &pool,
                &format!("u{i:04}"),
                if i % 2 == 0 { &["staff"] } else { &[] },
            )
        })
        .collect();
    batch.push(row(&pool, "U0000", &[]));
    let first = store.import_users(&pool.id, &batch, false).await.unwrap();
    assert_eq!(
        first
            .iter()
            .filter(|o| **o == ImportOutcome::Created)
            .count(),
        449
    );
    assert_eq!(
        first.last(),
        Some(&ImportOutcome::Skipped),
        "same key in one batch"
    );
    assert_eq!(store.count_users(&pool.id).await.unwrap(), 449);
    assert_eq!(
        store.count_users(&other.id).await.unwrap(),
        0,
        "tenant isolation"
    );
    let staff = store.users_in_group(&pool.id, "staff").await.unwrap();
    assert_eq!(staff.len(), 225);
    // Again: everything skipped, nothing duplicated.
    let again = store.import_users(&pool.id, &batch, false).await.unwrap();
    assert!(again.iter().all(|o| *o == ImportOutcome::Skipped));
    assert_eq!(store.count_users(&pool.id).await.unwrap(), 449);
    // Replacing keeps the user (sub, username) and changes what the row says.
    let original = store
        .get_user_by_key(&pool.id, &pool.username_key("u0001"))
        .await
        .unwrap()
        .unwrap();
    let mut changed = row(&pool, "u0001", &["staff"]);
    changed.user.enabled = false;
    changed.user.password_hash =
        Some("$2b$04$abcdefghijklmnopqrstuu0123456789012345678901234567890".into());
    let replaced = store
        .import_users(&pool.id, std::slice::from_ref(&changed), true)
        .await
        .unwrap();
    assert_eq!(replaced, vec![ImportOutcome::Replaced]);
    let after = store
        .get_user_by_key(&pool.id, &pool.username_key("u0001"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.sub, after.enabled), (original.sub, false));
    assert_eq!(after.password_hash, changed.user.password_hash);
    let pairs = store
        .memberships(&pool.id, &[original.sub, staff[0].sub])
        .await
        .unwrap();
    assert_eq!(pairs.len(), 2);
    assert!(pairs.iter().all(|(_, g)| g == "staff"));
    assert!(
        store
            .memberships(&other.id, &[original.sub])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn import_jobs_move_once_and_upload_once(store: &dyn Store) {
    use portcullis_core::import_job::{ImportJob, JobStatus};
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    let job = |id: &str, at: i64| ImportJob {
        pool_id: pool.id.clone(),
        job_id: id.into(),
        name: "j".into(),
        status: JobStatus::Created,
        role_arn: "arn:aws:iam::000000000000:role/x".into(),
        imported: 0,
        skipped: 0,
        failed: 0,
        message: None,
        created_at: at,
        started_at: None,
        completed_at: None,
    };
    for (i, id) in ["import-a", "import-b", "import-c"].iter().enumerate() {
        store
            .create_import_job(&job(id, 100 + i as i64), &format!("up-{}-{id}", pool.id))
            .await
            .unwrap();
    }
    let page = store.list_import_jobs(&pool.id, 2, None).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|j| j.job_id.as_str()).collect();
    assert_eq!(ids, ["import-c", "import-b"], "newest first");
    let rest = store
        .list_import_jobs(&pool.id, 2, page.next.as_deref())
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert!(rest.next.is_none());
    assert!(
        store
            .get_import_job(&other.id, "import-a")
            .await
            .unwrap()
            .is_none()
    );
    // One upload per URL. Tokens are global (the URL names no pool): this run's are its pool's.
    let (up_a, rep_a) = (
        format!("up-{}-import-a", pool.id),
        format!("rep-{}", pool.id),
    );
    let up = store
        .upload_import_file(&up_a, "cognito:username\nann\n")
        .await
        .unwrap();
    assert_eq!(up.map(|j| j.job_id).as_deref(), Some("import-a"));
    assert!(
        store
            .upload_import_file(&up_a, "x")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .import_file(&pool.id, "import-a")
            .await
            .unwrap()
            .is_some()
    );
    // Moves are conditional: of Start and Stop racing, one wins.
    let mv =
        |from: &'static [JobStatus], to| store.move_import_job(&pool.id, "import-a", from, to, 500);
    assert!(mv(&[JobStatus::Created], JobStatus::Pending).await.unwrap());
    assert!(!mv(&[JobStatus::Created], JobStatus::Pending).await.unwrap());
    assert!(
        mv(&[JobStatus::Pending], JobStatus::InProgress)
            .await
            .unwrap()
    );
    assert!(
        mv(
            &[JobStatus::Pending, JobStatus::InProgress],
            JobStatus::Stopping
        )
        .await
        .unwrap()
    );
    let status = store
        .record_import_progress(&pool.id, "import-a", [3, 1, 2])
        .await
        .unwrap();
    assert_eq!(status, JobStatus::Stopping);
    assert!(
        mv(&[JobStatus::Stopping], JobStatus::Stopped)
            .await
            .unwrap()
    );
    store
        .set_import_report(
            &pool.id,
            "import-a",
            "Stopped.",
            Some((&rep_a, "line 2: bad")),
        )
        .await
        .unwrap();
    let done = store
        .get_import_job(&pool.id, "import-a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.imported, done.skipped, done.failed), (3, 1, 2));
    assert_eq!((done.started_at, done.completed_at), (Some(500), Some(500)));
    assert_eq!(done.message.as_deref(), Some("Stopped."));
    assert_eq!(
        store.import_report(&rep_a).await.unwrap().as_deref(),
        Some("line 2: bad")
    );
    assert!(
        store
            .import_file(&pool.id, "import-a")
            .await
            .unwrap()
            .is_none(),
        "the file goes"
    );
}

async fn users_are_found_by_email_range(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    for name in ["amy", "ann", "anton", "bob"] {
        add_user(store, &pool, name).await;
    }
    add_user(store, &other, "anna").await;
    let names = |p: &Page<User>| {
        p.items
            .iter()
            .map(|u| u.username.clone())
            .collect::<Vec<_>>()
    };
    let hi = "an\u{10FFFF}";
    let first = store
        .list_users_by_email(&pool.id, ("an", hi), 1, None)
        .await
        .unwrap();
    assert_eq!(names(&first), ["ann"]);
    let mark = first.next.clone().unwrap();
    let (email, key) = mark.split_once('\u{1}').unwrap();
    let rest = store
        .list_users_by_email(&pool.id, ("an", hi), 5, Some((email, key)))
        .await
        .unwrap();
    assert_eq!(names(&rest), ["anton"], "in email order, tenant isolated");
    assert!(rest.next.is_none());
    let exact = "bob@example.com";
    let bob = store
        .list_users_by_email(&pool.id, (exact, exact), 5, None)
        .await
        .unwrap();
    assert_eq!(names(&bob), ["bob"]);
    // The column follows the attribute.
    let mut b = bob.items.into_iter().next().unwrap();
    b.attributes
        .insert("email".into(), "zed@example.com".into());
    store.update_user(&b, None).await.unwrap();
    assert!(
        store
            .list_users_by_email(&pool.id, (exact, exact), 5, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn new_pool(store: &dyn Store, settings: PoolSettings) -> UserPool {
    let pool = UserPool::new("local", "conformance", settings, 1_700_000_000).unwrap();
    store
        .create_pool(&pool, &key(&pool.id, "k0", 0))
        .await
        .unwrap();
    pool
}

fn user(pool: &UserPool, name: &str) -> User {
    let attrs = BTreeMap::from([("email".to_string(), format!("{name}@example.com"))]);
    let mut u = User::new(pool, name, attrs, UserStatus::Confirmed, 1_700_000_000).unwrap();
    u.password_hash = Some("$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA".into());
    u
}

async fn add_user(store: &dyn Store, pool: &UserPool, name: &str) -> User {
    let u = user(pool, name);
    store
        .create_user(&u, &pool.username_key(name))
        .await
        .unwrap();
    u
}

fn client(pool: &PoolId) -> AppClient {
    let req = NewClient {
        name: "web".into(),
        callback_urls: vec!["https://app.example.com/cb".into()],
        allowed_oauth_flows: vec![OAuthFlow::Code],
        allowed_oauth_scopes: vec!["openid".into()],
        ..Default::default()
    };
    AppClient::create(pool, req, None, &[], 1_700_000_000).unwrap()
}

fn key(pool: &PoolId, kid: &str, at: i64) -> SigningKey {
    SigningKey {
        pool_id: pool.clone(),
        kid: kid.into(),
        algorithm: "RS256".into(),
        status: KeyStatus::Active,
        public_jwk: json!({"kid": kid, "kty": "RSA"}),
        private_sealed: format!("sealed-{kid}"),
        created_at: at,
    }
}

fn record(pool: &PoolId, key_hash: &str, expires_at: i64) -> OneTimeRecord {
    OneTimeRecord {
        pool_id: pool.clone(),
        kind: "authorization_code".into(),
        key_hash: key_hash.into(),
        payload: json!({"client_id": "abc", "scope": ["openid"]}),
        expires_at,
    }
}

async fn the_store_answers(store: &dyn Store) {
    store.ping().await.unwrap();
}

async fn pools_round_trip(store: &dyn Store) {
    let mut pool = new_pool(store, PoolSettings::default()).await;
    assert_eq!(
        store.get_pool(&pool.id).await.unwrap().as_ref(),
        Some(&pool)
    );
    assert!(
        store
            .list_pools()
            .await
            .unwrap()
            .iter()
            .any(|p| p.id == pool.id)
    );
    assert_eq!(
        store.create_pool(&pool, &key(&pool.id, "k-dup", 0)).await,
        Err(Error::Conflict(Entity::Pool))
    );
    // The failed create left no key behind, and the first key is active.
    let keys = store.list_keys(&pool.id).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0].kid.as_str(), keys[0].status),
        ("k0", KeyStatus::Active)
    );

    pool.name = "renamed".into();
    pool.settings.case_sensitive_usernames = true;
    store.update_pool(&pool).await.unwrap();
    assert_eq!(store.get_pool(&pool.id).await.unwrap().unwrap(), pool);

    store.delete_pool(&pool.id).await.unwrap();
    assert_eq!(store.get_pool(&pool.id).await.unwrap(), None);
    assert_eq!(
        store.delete_pool(&pool.id).await,
        Err(Error::NotFound(Entity::Pool))
    );
    assert_eq!(
        store.update_pool(&pool).await,
        Err(Error::NotFound(Entity::Pool))
    );
}

async fn tenant_isolation(store: &dyn Store) {
    let a = new_pool(store, PoolSettings::default()).await;
    let b = new_pool(store, PoolSettings::default()).await;

    let c = client(&a.id);
    store.create_client(&c).await.unwrap();
    let alice = add_user(store, &a, "alice").await;
    let group = Group {
        pool_id: a.id.clone(),
        name: "admins".into(),
        description: None,
        precedence: Some(1),
        role_arn: None,
    };
    store.create_group(&group).await.unwrap();
    store
        .add_user_to_group(&a.id, "admins", alice.sub)
        .await
        .unwrap();
    let rs = ResourceServer {
        pool_id: a.id.clone(),
        identifier: "orders".into(),
        name: "Orders".into(),
        scopes: vec![ResourceServerScope {
            name: "read".into(),
            description: "read orders".into(),
        }],
    };
    store.create_resource_server(&rs).await.unwrap();
    store.rotate_in(&key(&a.id, "ka", 1)).await.unwrap();
    assert_eq!(store.list_keys(&a.id).await.unwrap().len(), 2);
    store
        .put_one_time(&record(&a.id, "code-a", i64::MAX))
        .await
        .unwrap();

    // Visible in A.
    assert_eq!(
        store.get_client(&a.id, &c.client_id).await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(
        store.get_user_by_sub(&a.id, alice.sub).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        store.groups_of_user(&a.id, alice.sub).await.unwrap().len(),
        1
    );

    // Invisible from B, by every read path.
    assert_eq!(store.get_client(&b.id, &c.client_id).await.unwrap(), None);
    assert!(store.list_clients(&b.id).await.unwrap().is_empty());
    assert_eq!(store.get_user_by_key(&b.id, "alice").await.unwrap(), None);
    assert_eq!(store.get_user_by_sub(&b.id, alice.sub).await.unwrap(), None);
    assert!(
        store
            .list_users(&b.id, 10, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.get_group(&b.id, "admins").await.unwrap(), None);
    assert!(store.list_groups(&b.id).await.unwrap().is_empty());
    assert!(
        store
            .groups_of_user(&b.id, alice.sub)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .users_in_group(&b.id, "admins")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.get_resource_server(&b.id, "orders").await.unwrap(),
        None
    );
    assert!(store.list_resource_servers(&b.id).await.unwrap().is_empty());
    assert_eq!(store.active_key(&b.id).await.unwrap().unwrap().kid, "k0");
    assert!(
        store
            .list_keys(&b.id)
            .await
            .unwrap()
            .iter()
            .all(|k| k.kid != "ka")
    );
    assert_eq!(
        store.consume_one_time(&b.id, "code-a", 0).await.unwrap(),
        Consumed::Missing
    );

    // And untouchable from B: writes addressed through B change nothing in A.
    assert_eq!(
        store.delete_client(&b.id, &c.client_id).await,
        Err(Error::NotFound(Entity::Client))
    );
    assert_eq!(
        store.delete_user(&b.id, alice.sub).await,
        Err(Error::NotFound(Entity::User))
    );
    assert_eq!(
        store.delete_group(&b.id, "admins").await,
        Err(Error::NotFound(Entity::Group))
    );
    assert_eq!(
        store.delete_resource_server(&b.id, "orders").await,
        Err(Error::NotFound(Entity::ResourceServer))
    );
    assert_eq!(
        store.set_key_status(&b.id, "ka", KeyStatus::Retired).await,
        Err(Error::NotFound(Entity::Key))
    );
    let mut moved = c.clone();
    moved.pool_id = b.id.clone();
    assert_eq!(
        store.update_client(&moved).await,
        Err(Error::NotFound(Entity::Client))
    );
    let mut stolen = alice.clone();
    stolen.pool_id = b.id.clone();
    stolen.enabled = false;
    assert_eq!(
        store.update_user(&stolen, None).await,
        Err(Error::NotFound(Entity::User))
    );
    assert_eq!(
        store.add_user_to_group(&b.id, "admins", alice.sub).await,
        Err(Error::NotFound(Entity::Group))
    );
    store
        .remove_user_from_group(&b.id, "admins", alice.sub)
        .await
        .unwrap();

    assert_eq!(
        store.get_client(&a.id, &c.client_id).await.unwrap(),
        Some(c)
    );
    assert_eq!(
        store.get_user_by_sub(&a.id, alice.sub).await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        store.groups_of_user(&a.id, alice.sub).await.unwrap().len(),
        1
    );
    assert!(matches!(
        store.consume_one_time(&a.id, "code-a", 0).await.unwrap(),
        Consumed::First(_)
    ));
}

async fn usernames_are_unique_per_pool_ignoring_case(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let alice = add_user(store, &pool, "Alice").await;
    let clash = user(&pool, "ALICE");
    assert_eq!(
        store.create_user(&clash, &pool.username_key("ALICE")).await,
        Err(Error::Conflict(Entity::User))
    );
    let found = store
        .get_user_by_key(&pool.id, &pool.username_key("aLiCe"))
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.sub), Some(alice.sub));
    assert_eq!(
        store.get_user_by_key(&pool.id, "ALICE").await.unwrap(),
        None
    );

    // The same name in another pool is a different user.
    let other = new_pool(store, PoolSettings::default()).await;
    add_user(store, &other, "alice").await;

    // A pool with case-sensitive usernames keeps `Bob` and `bob` apart.
    let strict = new_pool(
        store,
        PoolSettings {
            case_sensitive_usernames: true,
            ..Default::default()
        },
    )
    .await;
    let upper = add_user(store, &strict, "Bob").await;
    let lower = add_user(store, &strict, "bob").await;
    assert_ne!(upper.sub, lower.sub);
}

async fn users_update_list_and_delete(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let mut names = Vec::new();
    for name in ["erin", "carol", "dave", "alice", "bob"] {
        add_user(store, &pool, name).await;
        names.push(name);
    }
    names.sort();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .list_users(&pool.id, 2, after.as_deref())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|u| u.username.clone()));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, names);
    assert_eq!(store.count_users(&pool.id).await.unwrap(), 5);
    // A user moves to a new sign-in key; another's key is refused and changes nothing.
    let mut erin = store
        .get_user_by_key(&pool.id, "erin")
        .await
        .unwrap()
        .unwrap();
    erin.attributes.insert("nickname".into(), "E".into());
    assert_eq!(
        store.update_user(&erin, Some("dave")).await,
        Err(Error::Conflict(Entity::User))
    );
    assert!(
        store
            .get_user_by_key(&pool.id, "erin")
            .await
            .unwrap()
            .is_some_and(|u| !u.attributes.contains_key("nickname"))
    );
    store.update_user(&erin, Some("erin2")).await.unwrap();
    assert!(
        store
            .get_user_by_key(&pool.id, "erin")
            .await
            .unwrap()
            .is_none()
    );
    let moved = store
        .get_user_by_key(&pool.id, "erin2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.attributes["nickname"], "E");
    store.update_user(&erin, Some("erin")).await.unwrap();
    let empty = new_pool(store, PoolSettings::default()).await;
    assert_eq!(store.count_users(&empty.id).await.unwrap(), 0);

    let mut bob = store
        .get_user_by_key(&pool.id, "bob")
        .await
        .unwrap()
        .unwrap();
    bob.enabled = false;
    bob.status = UserStatus::ResetRequired;
    bob.attributes.insert("custom:tier".into(), "gold".into());
    bob.password_hash = None;
    bob.srp = Some(portcullis_core::user::SrpVerifier {
        salt: "ab".into(),
        verifier: "cd".into(),
    });
    bob.updated_at += 10;
    store.update_user(&bob, None).await.unwrap();
    assert_eq!(
        store.get_user_by_sub(&pool.id, bob.sub).await.unwrap(),
        Some(bob.clone())
    );

    store.delete_user(&pool.id, bob.sub).await.unwrap();
    assert_eq!(store.get_user_by_key(&pool.id, "bob").await.unwrap(), None);
    assert_eq!(
        store.delete_user(&pool.id, bob.sub).await,
        Err(Error::NotFound(Entity::User))
    );
    // The username is free again.
    add_user(store, &pool, "bob").await;
}

async fn group_membership(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let alice = add_user(store, &pool, "alice").await;
    let bob = add_user(store, &pool, "bob").await;
    for (name, precedence) in [("readers", None), ("admins", Some(1)), ("staff", Some(5))] {
        let g = Group {
            pool_id: pool.id.clone(),
            name: name.into(),
            description: Some(format!("{name} group")),
            precedence,
            role_arn: None,
        };
        store.create_group(&g).await.unwrap();
        store
            .add_user_to_group(&pool.id, name, alice.sub)
            .await
            .unwrap();
    }
    // Idempotent.
    store
        .add_user_to_group(&pool.id, "admins", alice.sub)
        .await
        .unwrap();
    store
        .add_user_to_group(&pool.id, "staff", bob.sub)
        .await
        .unwrap();

    let names: Vec<String> = store
        .groups_of_user(&pool.id, alice.sub)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(names, ["admins", "staff", "readers"]);
    let members: Vec<String> = store
        .users_in_group(&pool.id, "staff")
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(members, ["alice", "bob"]);

    assert_eq!(
        store.add_user_to_group(&pool.id, "nosuch", alice.sub).await,
        Err(Error::NotFound(Entity::Group))
    );
    assert_eq!(
        store
            .add_user_to_group(&pool.id, "staff", uuid::Uuid::new_v4())
            .await,
        Err(Error::NotFound(Entity::User))
    );
    let dup = store.get_group(&pool.id, "staff").await.unwrap().unwrap();
    assert_eq!(
        store.create_group(&dup).await,
        Err(Error::Conflict(Entity::Group))
    );

    store
        .remove_user_from_group(&pool.id, "staff", alice.sub)
        .await
        .unwrap();
    store.delete_user(&pool.id, bob.sub).await.unwrap();
    assert!(
        store
            .users_in_group(&pool.id, "staff")
            .await
            .unwrap()
            .is_empty()
    );
    store.delete_group(&pool.id, "admins").await.unwrap();
    let left: Vec<String> = store
        .groups_of_user(&pool.id, alice.sub)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(left, ["readers"]);
}

async fn key_rotation_keeps_the_previous_key_published(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let status =
        |keys: &[SigningKey], kid: &str| keys.iter().find(|k| k.kid == kid).map(|k| k.status);
    store.rotate_in(&key(&pool.id, "k1", 1)).await.unwrap();
    assert_eq!(store.active_key(&pool.id).await.unwrap().unwrap().kid, "k1");
    store.rotate_in(&key(&pool.id, "k2", 2)).await.unwrap();
    let keys = store.list_keys(&pool.id).await.unwrap();
    assert_eq!(status(&keys, "k1"), Some(KeyStatus::Retiring));
    assert_eq!(status(&keys, "k2"), Some(KeyStatus::Active));
    store.rotate_in(&key(&pool.id, "k3", 3)).await.unwrap();
    let keys = store.list_keys(&pool.id).await.unwrap();
    assert_eq!(
        keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(),
        ["k3", "k2", "k1", "k0"]
    );
    assert_eq!(status(&keys, "k1"), Some(KeyStatus::Retired));
    assert_eq!(status(&keys, "k2"), Some(KeyStatus::Retiring));
    assert_eq!(
        store
            .active_key(&pool.id)
            .await
            .unwrap()
            .unwrap()
            .private_sealed,
        "sealed-k3"
    );
    // A duplicate kid fails and leaves the active key alone (one transaction).
    assert_eq!(
        store.rotate_in(&key(&pool.id, "k3", 4)).await,
        Err(Error::Conflict(Entity::Key))
    );
    assert_eq!(store.active_key(&pool.id).await.unwrap().unwrap().kid, "k3");
    let keys = store.list_keys(&pool.id).await.unwrap();
    assert_eq!(status(&keys, "k2"), Some(KeyStatus::Retiring));
}

async fn consume_once_under_concurrency(store: Arc<dyn Store>) {
    let pool = new_pool(&*store, PoolSettings::default()).await;
    let rec = record(&pool.id, "the-code", i64::MAX);
    store.put_one_time(&rec).await.unwrap();
    assert_eq!(
        store.put_one_time(&rec).await,
        Err(Error::Conflict(Entity::Code))
    );

    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        let id = pool.id.clone();
        tasks.push(tokio::spawn(async move {
            store.consume_one_time(&id, "the-code", 1_700_000_000).await
        }));
    }
    let mut first = 0;
    let mut replays = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Consumed::First(r) => {
                assert_eq!(r, rec);
                first += 1;
            }
            Consumed::AlreadyUsed(r) => {
                assert_eq!(r, rec);
                replays += 1;
            }
            Consumed::Missing => panic!("a spent record must be reported as already used"),
        }
    }
    assert_eq!((first, replays), (1, 15));
}

async fn expired_records_cannot_be_consumed(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    store
        .put_one_time(&record(&pool.id, "old", 100))
        .await
        .unwrap();
    assert_eq!(
        store.consume_one_time(&pool.id, "old", 100).await.unwrap(),
        Consumed::Missing
    );
    assert_eq!(
        store.consume_one_time(&pool.id, "nope", 1).await.unwrap(),
        Consumed::Missing
    );
    assert!(store.purge_expired(101).await.unwrap() >= 1);
    // Purged records are gone even for a clock that runs behind.
    assert_eq!(
        store.consume_one_time(&pool.id, "old", 50).await.unwrap(),
        Consumed::Missing
    );
}

async fn deleting_a_pool_removes_everything_in_it(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let c = client(&pool.id);
    store.create_client(&c).await.unwrap();
    let alice = add_user(store, &pool, "alice").await;
    let g = Group {
        pool_id: pool.id.clone(),
        name: "g".into(),
        description: None,
        precedence: None,
        role_arn: None,
    };
    store.create_group(&g).await.unwrap();
    store
        .add_user_to_group(&pool.id, "g", alice.sub)
        .await
        .unwrap();
    store.rotate_in(&key(&pool.id, "kd", 1)).await.unwrap();
    store
        .put_one_time(&record(&pool.id, "c", i64::MAX))
        .await
        .unwrap();

    store.delete_pool(&pool.id).await.unwrap();
    assert_eq!(
        store.get_client(&pool.id, &c.client_id).await.unwrap(),
        None
    );
    assert_eq!(
        store.get_user_by_sub(&pool.id, alice.sub).await.unwrap(),
        None
    );
    assert!(store.list_groups(&pool.id).await.unwrap().is_empty());
    assert!(store.list_keys(&pool.id).await.unwrap().is_empty());
    assert_eq!(
        store.consume_one_time(&pool.id, "c", 0).await.unwrap(),
        Consumed::Missing
    );
    // Children of a missing pool cannot be created.
    assert_eq!(
        store.create_client(&c).await,
        Err(Error::NotFound(Entity::Pool))
    );
    assert_eq!(
        store.create_user(&alice, "alice").await,
        Err(Error::NotFound(Entity::Pool))
    );
}

fn family(pool: &PoolId, client: &str, sub: uuid::Uuid, id: &str) -> TokenFamily {
    TokenFamily {
        pool_id: pool.clone(),
        family_id: id.into(),
        client_id: client.into(),
        sub,
        created_at: 10,
        expires_at: 10_000,
    }
}

fn refresh(f: &TokenFamily, hash: &str) -> RefreshToken {
    RefreshToken {
        pool_id: f.pool_id.clone(),
        token_hash: hash.into(),
        family_id: f.family_id.clone(),
        client_id: f.client_id.clone(),
        sub: f.sub,
        scopes: vec!["openid".into(), "email".into()],
        auth_time: 5,
        created_at: 10,
        expires_at: 10_000,
    }
}

async fn sessions_expire_and_revoke(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    let alice = add_user(store, &pool, "alice").await;
    let s = Session {
        pool_id: pool.id.clone(),
        id_hash: "sess".into(),
        sub: alice.sub,
        auth_time: 100,
        created_at: 100,
        expires_at: 200,
        upstream: Some(portcullis_core::session::UpstreamSignIn {
            provider: "Okta".into(),
            id_token_sealed: Some("sealed".into()),
            saml: Some(portcullis_core::session::SamlSignIn {
                name_id: "ann@corp.example".into(),
                name_id_format: None,
                session_index: Some("_s1".into()),
            }),
        }),
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(
        store.get_session(&pool.id, "sess", 150).await.unwrap(),
        Some(s.clone())
    );
    assert_eq!(
        store.get_session(&pool.id, "sess", 200).await.unwrap(),
        None
    );
    assert_eq!(
        store.get_session(&other.id, "sess", 150).await.unwrap(),
        None
    );
    store.revoke_session(&other.id, "sess", 150).await.unwrap();
    assert!(
        store
            .get_session(&pool.id, "sess", 150)
            .await
            .unwrap()
            .is_some()
    );
    store.revoke_session(&pool.id, "sess", 150).await.unwrap();
    assert_eq!(
        store.get_session(&pool.id, "sess", 150).await.unwrap(),
        None
    );
    // A session for a user that does not exist cannot be created.
    let mut ghost = s.clone();
    ghost.id_hash = "ghost".into();
    ghost.sub = uuid::Uuid::new_v4();
    assert!(store.create_session(&ghost).await.is_err());
}

async fn refresh_rotation_is_atomic(store: Arc<dyn Store>) {
    let pool = new_pool(&*store, PoolSettings::default()).await;
    let c = client(&pool.id);
    store.create_client(&c).await.unwrap();
    let alice = add_user(&*store, &pool, "alice").await;
    let f = family(&pool.id, &c.client_id, alice.sub, "fam1");
    let rt1 = refresh(&f, "rt1");
    store.create_family(&f, Some(&rt1)).await.unwrap();
    assert_eq!(
        store.create_family(&f, None).await,
        Err(Error::Conflict(Entity::Code))
    );

    let state = store.get_refresh(&pool.id, "rt1").await.unwrap().unwrap();
    assert_eq!(state.token, rt1);
    assert_eq!(
        (
            state.rotated_at,
            state.family_revoked,
            state.successor_rotated
        ),
        (None, false, false)
    );

    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = store.clone();
        let next = refresh(&f, &format!("rt2-{i}"));
        tasks.push(tokio::spawn(async move {
            store
                .rotate_refresh("rt1", &next, &format!("sealed-{i}"), 50)
                .await
        }));
    }
    let mut winners = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        if t.await.unwrap().unwrap() {
            winners.push(i);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation wins");
    let w = winners[0];
    let state = store.get_refresh(&pool.id, "rt1").await.unwrap().unwrap();
    assert_eq!(state.rotated_at, Some(50));
    assert_eq!(
        state.successor_hash.as_deref(),
        Some(format!("rt2-{w}").as_str())
    );
    assert_eq!(
        state.successor_sealed.as_deref(),
        Some(format!("sealed-{w}").as_str())
    );
    assert!(!state.successor_rotated);
    // Losers left nothing behind.
    let loser = if w == 0 { 1 } else { 0 };
    assert_eq!(
        store
            .get_refresh(&pool.id, &format!("rt2-{loser}"))
            .await
            .unwrap(),
        None
    );

    // Rotating the successor marks the grandparent's successor as rotated.
    let rt2 = format!("rt2-{w}");
    assert!(
        store
            .rotate_refresh(&rt2, &refresh(&f, "rt3"), "s3", 60)
            .await
            .unwrap()
    );
    assert!(
        store
            .get_refresh(&pool.id, "rt1")
            .await
            .unwrap()
            .unwrap()
            .successor_rotated
    );
    assert!(
        !store
            .rotate_refresh(&rt2, &refresh(&f, "rt3b"), "s3b", 61)
            .await
            .unwrap()
    );
}

async fn families_revoke_as_one(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    let c = client(&pool.id);
    store.create_client(&c).await.unwrap();
    let alice = add_user(store, &pool, "alice").await;
    let f = family(&pool.id, &c.client_id, alice.sub, "famA");
    store
        .create_family(&f, Some(&refresh(&f, "a1")))
        .await
        .unwrap();
    assert_eq!(
        store.family_revoked(&pool.id, "famA").await.unwrap(),
        Some(false)
    );
    assert_eq!(store.family_revoked(&other.id, "famA").await.unwrap(), None);
    assert_eq!(store.get_refresh(&other.id, "a1").await.unwrap(), None);

    store.revoke_family(&f, 70).await.unwrap();
    assert_eq!(
        store.family_revoked(&pool.id, "famA").await.unwrap(),
        Some(true)
    );
    assert!(
        store
            .get_refresh(&pool.id, "a1")
            .await
            .unwrap()
            .unwrap()
            .family_revoked
    );

    // Revoking a family that does not exist yet leaves a tombstone: creating it later fails.
    let late = family(&pool.id, &c.client_id, alice.sub, "famLate");
    store.revoke_family(&late, 80).await.unwrap();
    assert_eq!(
        store.family_revoked(&pool.id, "famLate").await.unwrap(),
        Some(true)
    );
    assert_eq!(
        store
            .create_family(&late, Some(&refresh(&late, "l1")))
            .await,
        Err(Error::Conflict(Entity::Code))
    );
    assert_eq!(store.get_refresh(&pool.id, "l1").await.unwrap(), None);

    // Global sign-out revokes every family and session of the user.
    let g = family(&pool.id, &c.client_id, alice.sub, "famB");
    store.create_family(&g, None).await.unwrap();
    let s = Session {
        pool_id: pool.id.clone(),
        id_hash: "sB".into(),
        sub: alice.sub,
        auth_time: 1,
        created_at: 1,
        expires_at: 1000,
        upstream: None,
    };
    store.create_session(&s).await.unwrap();
    assert_eq!(
        store.user_revoked_at(&pool.id, alice.sub).await.unwrap(),
        None
    );
    // A password change keeps the caller's own family, and ends the rest.
    let own = family(&pool.id, &c.client_id, alice.sub, "famOwn");
    store.create_family(&own, None).await.unwrap();
    store
        .revoke_user_tokens(&pool.id, alice.sub, 90, Some("famOwn"))
        .await
        .unwrap();
    assert_eq!(
        store.family_revoked(&pool.id, "famB").await.unwrap(),
        Some(true)
    );
    assert_eq!(
        store.family_revoked(&pool.id, "famOwn").await.unwrap(),
        Some(false)
    );
    assert_eq!(store.get_session(&pool.id, "sB", 2).await.unwrap(), None);
    assert_eq!(
        store.user_revoked_at(&pool.id, alice.sub).await.unwrap(),
        Some(90)
    );
    assert_eq!(
        store.user_revoked_at(&other.id, alice.sub).await.unwrap(),
        None
    );
    // Global sign-out: every family; the revocation time moves on.
    store
        .revoke_user_tokens(&pool.id, alice.sub, 95, None)
        .await
        .unwrap();
    assert_eq!(
        store.family_revoked(&pool.id, "famOwn").await.unwrap(),
        Some(true)
    );
    assert_eq!(
        store.user_revoked_at(&pool.id, alice.sub).await.unwrap(),
        Some(95)
    );

    // Deleting the client removes its families.
    store.delete_client(&pool.id, &c.client_id).await.unwrap();
    assert_eq!(store.family_revoked(&pool.id, "famB").await.unwrap(), None);
}

async fn login_failures_count_per_window(store: &dyn Store) {
    let pool = new_pool(store, PoolSettings::default()).await;
    let other = new_pool(store, PoolSettings::default()).await;
    for (expected, at) in (1..=3).zip([100, 110, 120]) {
        assert_eq!(
            store
                .record_failure(&pool.id, "user:alice", at, 60)
                .await
                .unwrap(),
            expected
        );
    }
    let seen = |at| store.failures(&pool.id, "user:alice", at, 60);
    assert_eq!(
        seen(150).await.unwrap(),
        Failures {
            count: 3,
            last: 120
        }
    );
    assert_eq!(
        store
            .failures(&other.id, "user:alice", 150, 60)
            .await
            .unwrap(),
        Failures::default()
    );
    // Remembered for 60 s after the latest failure, not the first.
    assert_eq!(seen(179).await.unwrap().count, 3);
    assert_eq!(seen(180).await.unwrap(), Failures::default());
    assert_eq!(
        store
            .record_failure(&pool.id, "user:alice", 180, 60)
            .await
            .unwrap(),
        1
    );
    store.clear_failures(&pool.id, "user:alice").await.unwrap();
    assert_eq!(seen(181).await.unwrap(), Failures::default());
}

async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/portcullis.db", dir.path().display());
    let store = crate::open(&url).await.unwrap();
    assert_eq!(store.backend_name(), "sqlite");
    (store, dir)
}

async fn postgres_store() -> Arc<dyn Store> {
    let Ok(url) = std::env::var("PORTCULLIS_TEST_POSTGRES_URL") else {
        panic!(
            "PORTCULLIS_TEST_POSTGRES_URL is not set: run scripts/test.sh, which starts a \
             PostgreSQL server for this test"
        );
    };
    let store = crate::open(&url).await.unwrap();
    assert_eq!(store.backend_name(), "postgres");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sqlite_store_is_one_wal_file_that_reopens_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/portcullis.db", dir.path().display());
    let store = crate::open(&url).await.unwrap();
    let pool = new_pool(&*store, PoolSettings::default()).await;
    // Opening again re-runs migrations as a no-op and sees the same data.
    let again = crate::open(&url).await.unwrap();
    assert!(again.get_pool(&pool.id).await.unwrap().is_some());
    let mode: String = {
        let raw = std::fs::read(dir.path().join("nested/portcullis.db")).unwrap();
        // Bytes 18 and 19 of the header are 2 in WAL mode.
        format!("{}{}", raw[18], raw[19])
    };
    assert_eq!(mode, "22", "the database file is not in WAL mode");
}
