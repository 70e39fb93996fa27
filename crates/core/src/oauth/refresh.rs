//! What to do with a presented refresh token (RFC 6749 §6, RFC 9700 §4.14.2): rotation with
//! a retry grace window that covers one generation, and reuse detection that revokes the
//! whole family.

use crate::client::AppClient;
use crate::clock::UnixTime;
use crate::session::RefreshState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshDecision {
    /// Unknown, expired, revoked or another client's token.
    Reject(&'static str),
    /// A rotated token presented outside the rules: revoke the family, then reject.
    ReuseDetected,
    /// No rotation: new access (and ID) token, same refresh token.
    Reissue,
    /// Rotate: new refresh token, this one marked used.
    Rotate,
    /// A retry inside the grace window: hand out the same successor again.
    ReturnSuccessor,
}

pub fn decide(state: Option<&RefreshState>, client: &AppClient, now: UnixTime) -> RefreshDecision {
    let Some(s) = state else {
        return RefreshDecision::Reject("unknown refresh token");
    };
    if s.token.client_id != client.client_id {
        return RefreshDecision::Reject("refresh token was issued to another client");
    }
    if s.family_revoked {
        return RefreshDecision::Reject("refresh token has been revoked");
    }
    if s.token.expires_at <= now {
        return RefreshDecision::Reject("refresh token has expired");
    }
    match s.rotated_at {
        None if client.refresh_rotation.enabled => RefreshDecision::Rotate,
        None => RefreshDecision::Reissue,
        Some(at) => {
            let grace = i64::from(client.refresh_rotation.grace_secs);
            let in_grace = now - at <= grace && grace > 0;
            if in_grace && !s.successor_rotated && s.successor_sealed.is_some() {
                RefreshDecision::ReturnSuccessor
            } else {
                RefreshDecision::ReuseDetected
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{NewClient, OAuthFlow, RefreshRotation, StoredSecret};
    use crate::ids::PoolId;
    use crate::session::RefreshToken;

    fn client(rotation: bool, grace: u32) -> AppClient {
        let req = NewClient {
            name: "c".into(),
            callback_urls: vec!["https://a.example/cb".into()],
            allowed_oauth_flows: vec![OAuthFlow::Code],
            allowed_oauth_scopes: vec!["openid".into()],
            refresh_rotation: RefreshRotation {
                enabled: rotation,
                grace_secs: grace,
            },
            ..Default::default()
        };
        let secret = StoredSecret {
            digest: "d".into(),
            sealed: "s".into(),
        };
        AppClient::create(
            &PoolId::parse("local_abcdefghi").unwrap(),
            req,
            Some(secret),
            &[],
            0,
        )
        .unwrap()
    }

    fn state(c: &AppClient) -> RefreshState {
        RefreshState {
            token: RefreshToken {
                pool_id: c.pool_id.clone(),
                token_hash: "h".into(),
                family_id: "f".into(),
                client_id: c.client_id.clone(),
                sub: uuid::Uuid::new_v4(),
                scopes: vec!["openid".into()],
                auth_time: 0,
                created_at: 0,
                expires_at: 1000,
            },
            rotated_at: None,
            successor_hash: None,
            successor_sealed: None,
            successor_rotated: false,
            family_revoked: false,
        }
    }

    #[test]
    fn plain_and_rotating_clients() {
        let plain = client(false, 0);
        assert_eq!(
            decide(Some(&state(&plain)), &plain, 10),
            RefreshDecision::Reissue
        );
        let rot = client(true, 10);
        assert_eq!(
            decide(Some(&state(&rot)), &rot, 10),
            RefreshDecision::Rotate
        );
        assert_eq!(
            decide(None, &rot, 10),
            RefreshDecision::Reject("unknown refresh token")
        );
    }

    #[test]
    fn rejections() {
        let c = client(true, 10);
        let other = client(true, 10);
        assert!(matches!(
            decide(Some(&state(&c)), &other, 10),
            RefreshDecision::Reject(_)
        ));
        let mut s = state(&c);
        s.family_revoked = true;
        assert!(matches!(
            decide(Some(&s), &c, 10),
            RefreshDecision::Reject(_)
        ));
        let s = state(&c);
        assert!(matches!(
            decide(Some(&s), &c, 1000),
            RefreshDecision::Reject(_)
        ));
    }

    #[test]
    fn grace_covers_one_generation_only() {
        let c = client(true, 10);
        let mut s = state(&c);
        s.rotated_at = Some(100);
        s.successor_hash = Some("h2".into());
        s.successor_sealed = Some("sealed".into());
        assert_eq!(decide(Some(&s), &c, 105), RefreshDecision::ReturnSuccessor);
        assert_eq!(decide(Some(&s), &c, 111), RefreshDecision::ReuseDetected);
        s.successor_rotated = true;
        assert_eq!(decide(Some(&s), &c, 105), RefreshDecision::ReuseDetected);
        let no_grace = client(true, 0);
        let mut s = state(&no_grace);
        s.rotated_at = Some(100);
        s.successor_sealed = Some("sealed".into());
        assert_eq!(
            decide(Some(&s), &no_grace, 100),
            RefreshDecision::ReuseDetected
        );
    }
}
