//! The SAML endpoints of a pool (built with the `saml` feature): the assertion consumer
//! service, our SP metadata, and single logout (HTTP-Redirect and HTTP-POST).

use super::PoolCtx;
use super::federation::{FED_COOKIE, complete, forget_upstream_state};
use super::forms::PageResult;
use super::request::validated;
use crate::http::{Shared, cookies, pages, params};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use portcullis_app::federation::pending::Pending;
use subtle::ConstantTimeEq;

/// `POST {issuer}/saml2/idpresponse`: a SAML IdP's response (HTTP-POST binding). The
/// single-use RelayState and the AuthnRequest ID it must answer (InResponseTo) tie it to the
/// sign-in we started, and the RelayState must be the one this browser keeps in its
/// federation cookie, so a response started elsewhere cannot be pushed into a victim's
/// browser (login CSRF). The IdP's page often posts from another site, without our
/// SameSite=Lax cookie: such a post is bounced once through a page of ours that posts it
/// again, same-site, cookie included. With `IDPInit`, a provider may also start the
/// sign-in; its RelayState then carries the app's authorization request (Cognito's
/// convention), there is no browser to bind to, and only the assertion-ID memory stands
/// between it and a replay.
pub(crate) async fn saml_response(
    State(s): State<Shared>,
    ctx: PoolCtx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let bad = |m: &str| pages::error(StatusCode::BAD_REQUEST, m);
    let Ok(form) = params::from_urlencoded(&body) else {
        return bad("This sign-in response repeats a parameter. Start again from the app.");
    };
    let (Some(response), Some(relay)) = (form.get("SAMLResponse"), form.get("RelayState")) else {
        // Sign-ins started at the identity provider (no RelayState of ours) are not accepted.
        return bad("This sign-in response is incomplete. Start again from the app.");
    };
    let idp_initiated = relay.contains("client_id=");
    let cookie = cookies::get(&headers, &cookies::name(FED_COOKIE, ctx.secure));
    match (idp_initiated, cookie, form.get(BOUNCED)) {
        (true, _, _) => {}
        (false, Some(c), _) if bool::from(c.as_bytes().ct_eq(relay.as_bytes())) => {}
        (false, None, None) => {
            let action = format!("{}/saml2/idpresponse", ctx.base);
            let fields = vec![
                ("SAMLResponse".to_owned(), response.to_owned()),
                ("RelayState".to_owned(), relay.to_owned()),
                (BOUNCED.to_owned(), "1".to_owned()),
            ];
            return pages::auto_post("Signing you in", &action, &fields);
        }
        _ => {
            tracing::warn!(pool = %ctx.pool.id, "SAML response for a sign-in this browser did not start");
            return bad("This sign-in did not start in this browser. Start again from the app.");
        }
    }
    let mut res = saml_answer(&s, &ctx, response, relay)
        .await
        .unwrap_or_else(|page| page);
    if !idp_initiated {
        forget_upstream_state(&mut res, &ctx);
    }
    res
}

/// The form field that marks a response we posted again ourselves.
const BOUNCED: &str = "portcullis_bounced";

async fn saml_answer(s: &Shared, ctx: &PoolCtx, response: &str, relay: &str) -> PageResult {
    let bad = |m: &str| pages::error(StatusCode::BAD_REQUEST, m);
    let pending = match s.app.federation_pending(&ctx.pool, relay).await {
        Ok(Some(p)) => p,
        // An IdP-initiated sign-in: the RelayState is the app's authorization request.
        Ok(None) if relay.contains("client_id=") => unsolicited(s, ctx, relay).await?,
        Ok(None) => {
            return Err(bad(
                "This sign-in has expired or was already used. Start again from the app.",
            ));
        }
        Err(e) => {
            tracing::error!(error = %e, "reading a federation state failed");
            return Err(pages::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed. Please try again.",
            ));
        }
    };
    let (s2, ctx2) = (s, ctx);
    let pending2 = &pending;
    Ok(complete(s, ctx, &pending, true, |idp| async move {
        s2.app
            .saml_finish(&ctx2.pool, &idp, pending2, response, &ctx2.base)
            .await
    })
    .await)
}

/// The pending sign-in an IdP-initiated response stands for: the authorization request in
/// its RelayState, checked like any other, naming a SAML provider that allows `IDPInit`.
async fn unsolicited(s: &Shared, ctx: &PoolCtx, relay: &str) -> Result<Pending, Response> {
    let (_, req, client) = validated(s, ctx, params::from_query(Some(relay)), true).await?;
    let refuse = || {
        pages::error(
            StatusCode::BAD_REQUEST,
            "This identity provider may not start sign-ins here. Start from the app.",
        )
    };
    match s.app.route_request(&ctx.pool, &client, &req).await {
        Ok(Some(idp)) if idp.saml().is_some_and(|c| c.idp_initiated) => {
            Ok(Pending::unsolicited(&idp.name, &req))
        }
        _ => Err(refuse()),
    }
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

/// `GET {issuer}/saml2/logout` (HTTP-Redirect): the IdP's LogoutResponse after our single
/// logout, then on to the app's logout URL; or the IdP's own LogoutRequest, which signs the
/// named user out and answers with our LogoutResponse.
pub(crate) async fn saml_logout(
    State(s): State<Shared>,
    ctx: PoolCtx,
    uri: axum::http::Uri,
) -> Response {
    // Only the query matters (the redirect binding signs its parameters).
    let Ok(url) = url::Url::parse(&format!(
        "http://query.invalid/?{}",
        uri.query().unwrap_or("")
    )) else {
        return pages::signed_out();
    };
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let is_request = param("SAMLRequest").is_some();
    let relay = param("RelayState");
    let msg = portcullis_saml::Inbound::Redirect(&url);
    logout_message(&s, &ctx, msg, is_request, relay.as_deref()).await
}

/// `POST {issuer}/saml2/logout` (HTTP-POST): the same messages with their signature inside.
pub(crate) async fn saml_logout_post(
    State(s): State<Shared>,
    ctx: PoolCtx,
    body: Bytes,
) -> Response {
    let Ok(form) = params::from_urlencoded(&body) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This sign-out request was not accepted.",
        );
    };
    let relay = form.get("RelayState");
    match (form.get("SAMLRequest"), form.get("SAMLResponse")) {
        (Some(req), None) => {
            let msg = portcullis_saml::Inbound::Post(req);
            logout_message(&s, &ctx, msg, true, relay).await
        }
        (None, Some(res)) => {
            let msg = portcullis_saml::Inbound::Post(res);
            logout_message(&s, &ctx, msg, false, relay).await
        }
        _ => pages::signed_out(),
    }
}

async fn logout_message(
    s: &Shared,
    ctx: &PoolCtx,
    msg: portcullis_saml::Inbound<'_>,
    is_request: bool,
    relay: Option<&str>,
) -> Response {
    if is_request {
        return match s
            .app
            .saml_idp_logout(&ctx.pool, msg, relay, &ctx.base)
            .await
        {
            Ok(back) => super::respond::depart(&back),
            Err(e) => {
                tracing::warn!(pool = %ctx.pool.id, error = %e, "IdP logout request refused");
                pages::error(
                    StatusCode::BAD_REQUEST,
                    "This sign-out request was not accepted.",
                )
            }
        };
    }
    match s
        .app
        .finish_saml_logout(&ctx.pool, msg, relay.unwrap_or_default())
        .await
    {
        Ok(Some(Some(then))) => super::respond::see_other(&then, false),
        Ok(_) => pages::signed_out(),
        Err(e) => {
            tracing::warn!(pool = %ctx.pool.id, error = %e, "SAML logout");
            pages::signed_out()
        }
    }
}
