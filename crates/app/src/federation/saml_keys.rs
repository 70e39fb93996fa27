//! The pool's SAML SP keys: the current one (made at first use; it signs our requests and
//! decrypts assertions), and a rotation in three steps an operator takes with
//! `portcullis pool saml-key`: stage a next key (published in our metadata beside the
//! current one, decrypting already), promote it (it signs from then on; the old one stays as
//! `previous`, decrypting only), retire the previous one. Keys are sealed by the master key.

use super::{FedError, internal};
use crate::App;
use portcullis_core::pool::UserPool;
use portcullis_saml::SpKey;

const SLOT_NEXT: &str = "next";
const SLOT_PREVIOUS: &str = "previous";

fn key_context(pool: &UserPool) -> String {
    format!("saml-sp-key:{}", pool.id)
}

/// A step of the rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SamlKeyStep {
    Stage,
    Promote,
    Retire,
}

/// The SHA-256 fingerprints (hex, as `openssl x509 -fingerprint -sha256` shows them without
/// colons) of the certificates in each slot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SamlKeyState {
    pub current: String,
    pub next: Option<String>,
    pub previous: Option<String>,
}

fn fingerprint(cert_der: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, cert_der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

impl App {
    /// The certificate of the pool's SP key, base64 DER (GetSigningCertificate).
    pub async fn saml_sp_certificate(&self, pool: &UserPool) -> Result<String, FedError> {
        use base64::Engine;
        let key = self.saml_sp_key(pool).await?;
        Ok(base64::engine::general_purpose::STANDARD.encode(key.cert_der))
    }

    /// A fresh key pair for the pool, sealed: `(key_sealed, cert_b64)`.
    async fn fresh_sp_key(&self, pool: &UserPool) -> Result<(String, String), FedError> {
        use base64::Engine;
        let cn = pool.id.to_string();
        let fresh = tokio::task::spawn_blocking(move || portcullis_saml::generate_sp_key(&cn))
            .await
            .map_err(internal)?
            .map_err(internal)?;
        let sealed = self
            .master
            .seal(&key_context(pool), &fresh.key_der)
            .map_err(internal)?;
        let cert = base64::engine::general_purpose::STANDARD.encode(&fresh.cert_der);
        Ok((sealed, cert))
    }

    fn open_sp_key(&self, pool: &UserPool, sealed: &str, cert: &str) -> Result<SpKey, FedError> {
        use base64::Engine;
        Ok(SpKey {
            key_der: self
                .master
                .open(&key_context(pool), sealed)
                .map_err(internal)?
                .to_vec(),
            cert_der: base64::engine::general_purpose::STANDARD
                .decode(cert)
                .map_err(internal)?,
        })
    }

    /// The current key, made (and stored, first writer wins across nodes) at first use.
    pub async fn saml_sp_key(&self, pool: &UserPool) -> Result<SpKey, FedError> {
        let (sealed, cert) = match self.store.saml_sp_key(&pool.id).await? {
            Some(pair) => pair,
            None => {
                let (sealed, cert) = self.fresh_sp_key(pool).await?;
                self.store
                    .saml_sp_key_or_insert(&pool.id, &sealed, &cert, self.now())
                    .await?
            }
        };
        self.open_sp_key(pool, &sealed, &cert)
    }

    /// The current key (made at first use) and, during a rotation, the next and previous
    /// ones: `(current, next, previous)`, in two store reads.
    pub async fn saml_sp_keys(
        &self,
        pool: &UserPool,
    ) -> Result<(SpKey, Option<SpKey>, Option<SpKey>), FedError> {
        let current = self.saml_sp_key(pool).await?;
        let (mut next, mut previous) = (None, None);
        for (slot, sealed, cert) in self.store.saml_sp_key_slots(&pool.id).await? {
            let key = Some(self.open_sp_key(pool, &sealed, &cert)?);
            match slot.as_str() {
                SLOT_NEXT => next = key,
                SLOT_PREVIOUS => previous = key,
                _ => {}
            }
        }
        Ok((current, next, previous))
    }

    /// Takes `step` of the rotation (none: only looks), and says what each slot holds.
    pub async fn saml_key_rotation(
        &self,
        pool: &UserPool,
        step: Option<SamlKeyStep>,
    ) -> portcullis_core::Result<SamlKeyState> {
        use portcullis_core::Error;
        let ours = |e: FedError| Error::internal(e);
        // The current key exists before any step (a first look makes it).
        self.saml_sp_key(pool).await.map_err(ours)?;
        match step {
            None => {}
            Some(SamlKeyStep::Stage) => {
                let (sealed, cert) = self.fresh_sp_key(pool).await.map_err(ours)?;
                let staged = self
                    .store
                    .stage_saml_sp_key(&pool.id, &sealed, &cert, self.now());
                staged.await.map_err(|e| match e {
                    Error::Conflict(_) => {
                        Error::invalid("a next key is staged already: promote it first")
                    }
                    other => other,
                })?;
            }
            Some(SamlKeyStep::Promote) => {
                let promoted = self.store.promote_saml_sp_key(&pool.id, self.now());
                promoted.await.map_err(|e| match e {
                    Error::NotFound(_) => Error::invalid("no next key is staged: stage one first"),
                    other => other,
                })?;
            }
            Some(SamlKeyStep::Retire) => match self.store.retire_saml_sp_key(&pool.id).await? {
                true => {}
                false => return Err(Error::invalid("there is no previous key to retire")),
            },
        }
        let (current, next, previous) = self.saml_sp_keys(pool).await.map_err(ours)?;
        Ok(SamlKeyState {
            current: fingerprint(&current.cert_der),
            next: next.map(|k| fingerprint(&k.cert_der)),
            previous: previous.map(|k| fingerprint(&k.cert_der)),
        })
    }
}
