//! An identity provider, read from its metadata: it must have a signing certificate and a
//! redirect endpoint for sign-in, and may have one for single logout.

use crate::*;
use samael::metadata::{EntityDescriptor, HTTP_REDIRECT_BINDING};
use samael::service_provider::ServiceProviderBuilder;
use std::panic::catch_unwind;

/// An identity provider, from its metadata.
#[derive(Clone)]
pub struct IdpMetadata {
    pub entity_id: String,
    /// Where AuthnRequests go (HTTP-Redirect binding).
    pub sso_redirect_url: String,
    /// The IdP's single logout endpoint, if it has one: HTTP-Redirect when offered, else
    /// HTTP-POST.
    pub slo: Option<SloEndpoint>,
    /// The signing certificates (never empty), kept from parsing.
    pub(crate) signing_certs: Vec<samael::crypto::CertificateDer>,
    pub(crate) descriptor: EntityDescriptor,
}

/// Where the IdP takes logout messages, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloEndpoint {
    /// HTTP-POST (an auto-submitted form) rather than HTTP-Redirect.
    pub post: bool,
    pub location: String,
    /// Where LogoutResponses go, when the IdP names a different place.
    pub response_location: Option<String>,
}

impl std::fmt::Debug for IdpMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdpMetadata")
            .field("entity_id", &self.entity_id)
            .field("sso_redirect_url", &self.sso_redirect_url)
            .finish()
    }
}

impl IdpMetadata {
    /// Parses an `EntityDescriptor` with an IDPSSODescriptor that has an HTTP-Redirect
    /// SingleSignOnService and at least one signing certificate.
    pub fn parse(xml: &str) -> Result<Self, SamlError> {
        let bad = |m: &str| SamlError::Metadata(m.to_owned());
        if xml.len() > MAX_METADATA {
            return Err(bad("larger than 512 KiB"));
        }
        if !no_doctype(xml) {
            return Err(bad("DOCTYPE and entity declarations are not allowed"));
        }
        let descriptor: EntityDescriptor = catch_unwind(|| xml.parse::<EntityDescriptor>())
            .map_err(|_| bad("the XML could not be read"))?
            .map_err(|_| bad("not a SAML EntityDescriptor"))?;
        let entity_id = descriptor
            .entity_id
            .clone()
            .filter(|e| !e.is_empty())
            .ok_or_else(|| bad("no entityID"))?;
        let idp = descriptor
            .idp_sso_descriptors
            .as_ref()
            .and_then(|d| d.first())
            .ok_or_else(|| bad("no IDPSSODescriptor"))?;
        let sso_redirect_url = idp
            .single_sign_on_services
            .iter()
            .find(|s| s.binding == HTTP_REDIRECT_BINDING)
            .map(|s| s.location.clone())
            .ok_or_else(|| bad("no SingleSignOnService with the HTTP-Redirect binding"))?;
        let slo_with = |binding: &str, post: bool| {
            idp.single_logout_services
                .iter()
                .find(|s| s.binding == binding)
                .map(|s| SloEndpoint {
                    post,
                    location: s.location.clone(),
                    response_location: s.response_location.clone(),
                })
        };
        let slo = slo_with(HTTP_REDIRECT_BINDING, false)
            .or_else(|| slo_with(samael::metadata::HTTP_POST_BINDING, true));
        let sp = ServiceProviderBuilder::default()
            .idp_metadata(descriptor.clone())
            .build()
            .map_err(|_| bad("unusable"))?;
        let signing_certs = match sp.idp_signing_certs() {
            Ok(Some(certs)) if !certs.is_empty() => certs,
            _ => {
                return Err(bad(
                    "no signing certificate (an IdP without one is refused)",
                ));
            }
        };
        Ok(IdpMetadata {
            entity_id,
            sso_redirect_url,
            slo,
            signing_certs,
            descriptor,
        })
    }
}
