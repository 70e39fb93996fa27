//! The SAML endpoints of a pool (built with the `saml` feature): the assertion consumer
//! service and our SP metadata.

use super::PoolCtx;
use super::federation::{complete, pending_for};
use crate::federation::FedError;
use crate::http::{Shared, pages, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use portcullis_core::idp::ProviderType;

/// `POST {issuer}/saml2/idpresponse`: a SAML IdP's response (HTTP-POST binding). The IdP's
/// page posts it cross-site, so no cookie of ours comes with it: the single-use RelayState
/// and the AuthnRequest ID it must answer (InResponseTo) tie it to the sign-in we started.
pub(crate) async fn saml_response(State(s): State<Shared>, ctx: PoolCtx, body: Bytes) -> Response {
    let bad = |m: &str| pages::error(StatusCode::BAD_REQUEST, m);
    let Ok(form) = params::from_urlencoded(&body) else {
        return bad("This sign-in response repeats a parameter. Start again from the app.");
    };
    let (Some(response), Some(relay)) = (form.get("SAMLResponse"), form.get("RelayState")) else {
        // Sign-ins started at the identity provider (no RelayState of ours) are not accepted.
        return bad("This sign-in response is incomplete. Start again from the app.");
    };
    let pending = match pending_for(&s, &ctx, relay).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (s2, ctx2) = (&s, &ctx);
    let pending2 = &pending;
    complete(&s, &ctx, &pending, true, |idp| async move {
        if idp.provider_type != ProviderType::Saml {
            return Err(FedError::Invalid(
                "a SAML response for a non-SAML provider".into(),
            ));
        }
        s2.app
            .saml_finish(&ctx2.pool, &idp, pending2, response, &ctx2.base)
            .await
    })
    .await
}

/// `GET {issuer}/saml2/metadata`: our SP metadata for the pool, for IdP administrators.
pub(crate) async fn saml_metadata(State(s): State<Shared>, ctx: PoolCtx) -> Response {
    let sp = match s.app.saml_sp(&ctx.pool, &ctx.base).await {
        Ok(sp) => sp,
        Err(e) => {
            tracing::error!(pool = %ctx.pool.id, error = %e, "SP metadata unavailable");
            return pages::error(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.");
        }
    };
    let mut res = Response::new(axum::body::Body::from(portcullis_saml::sp_metadata(&sp)));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/samlmetadata+xml"),
    );
    res
}
