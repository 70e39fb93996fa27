//! The SAML 2.0 service provider side of Portcullis, as a wrapper that makes samael
//! (libxmlsec1) safe to use (research/crates.md §5):
//!
//! - an IdP is usable only with at least one signing certificate in its metadata, so samael
//!   never takes its "no certificate, no verification" path;
//! - signatures are checked with the metadata's certificates only, against an algorithm
//!   allow-list without SHA-1;
//! - only the assertion samael returns after verification is read, never the raw XML;
//! - AuthnRequest IDs are 128-bit random values chosen by the caller (samael's own are 32-bit);
//! - input sizes are capped, DOCTYPEs refused, and parsing runs behind `catch_unwind`;
//! - an AudienceRestriction naming our entity ID and a NameID are required, which samael
//!   leaves optional.

/// Largest metadata document accepted.
pub const MAX_METADATA: usize = 512 * 1024;
/// Largest base64 `SAMLResponse` accepted.
pub const MAX_RESPONSE: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamlError {
    #[error("the IdP metadata is not usable: {0}")]
    Metadata(String),
    #[error("the SAML response was refused: {0}")]
    Response(String),
    /// No certificate of the metadata verifies the signature (the IdP may have rolled over
    /// to a new one).
    #[error("the SAML response's signature does not verify with the IdP's certificates")]
    Signature,
    #[error("could not build the SAML request: {0}")]
    Request(String),
}

/// A message for the IdP, as the browser must carry it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// HTTP-Redirect: the signed URL.
    Redirect(String),
    /// HTTP-POST: a form for the browser to submit to `action` (the message is signed
    /// inside its XML).
    Post {
        action: String,
        fields: Vec<(String, String)>,
    },
}

mod metadata;
mod request;
mod response;
mod sp;
mod xml;

pub use metadata::{IdpMetadata, SloEndpoint};
pub use request::authn_request_url;
pub(crate) use request::{MAX_CLOCK_SKEW, allowed_algorithms, provider, unix_now};
pub use response::{VerifiedLogin, validate_response, validate_response_at};
pub(crate) use sp::xml_escape;
pub use sp::{SpConfig, SpKey, generate_sp_key, sp_metadata};
pub use xml::xml_datetime;
#[cfg(test)]
pub(crate) use xml::{MAX_DEPTH, MAX_ELEMENTS};
pub(crate) use xml::{
    base64_decode, check_envelope, no_doctype, root_is_signed, strip_declaration, verified_xml,
    within_bounds,
};

mod encrypted;
mod logout;
mod references;
mod sealed;
mod xml_attr;
pub use logout::{
    IdpLogout, Inbound, LogoutSubject, check_logout_request, check_logout_response, logout_request,
    logout_response,
};

#[cfg(test)]
mod attacks;
#[cfg(test)]
mod attacks_encrypted;
#[cfg(test)]
mod attacks_structure;
#[cfg(test)]
mod golden;
#[cfg(test)]
mod golden_recordings;
// `golden_recordings.rs` names this crate as its users outside it do.
#[cfg(test)]
extern crate self as portcullis_saml;
#[cfg(test)]
mod tests;
