//! The OAuth 2.0 / OIDC endpoints and the hosted sign-in pages of a pool:
//!
//! | route | what |
//! |---|---|
//! | `GET, POST {issuer}/oauth2/authorize` | authorization request → sign-in page, or a code (or implicit tokens) for the client |
//! | `GET {issuer}/login` | the sign-in form for a pending authorization request |
//! | `GET {issuer}/oauth2/idpresponse` | an upstream OIDC provider's answer (federation) |
//! | `GET {issuer}/oauth2/idpresponse/{provider}` | the same, for a provider with its own callback (`own_callback`) |
//! | `POST {issuer}/saml2/idpresponse`, `GET {issuer}/saml2/metadata` | SAML IdP responses; our SP metadata |
//! | `GET`/`POST {issuer}/saml2/logout` | SAML single logout (Redirect and POST bindings) |
//! | `POST {issuer}/login` | check the password, start the session, answer the client (303) |
//! | `POST {issuer}/login/new-password` | first sign-in with a temporary password |
//! | `POST {issuer}/oauth2/token` | authorization_code, refresh_token, client_credentials |
//! | `GET, POST {issuer}/oauth2/userInfo` | claims for a bearer access token |
//! | `POST {issuer}/oauth2/revoke` | RFC 7009 revocation |
//! | `GET {issuer}/logout` | end the session, then to a registered logout URL or sign-in again; "Sign out?" when no client is named |
//! | `POST {issuer}/logout` | the answer to "Sign out?" |
//! | `GET {issuer}/oauth2/idplogout` | back from signing out at the upstream provider |
//! | `GET, POST {issuer}/signup`, `POST {issuer}/confirm` | self sign-up and its email code |
//! | `GET, POST {issuer}/forgotPassword`, `POST {issuer}/confirmForgotPassword` | password reset by email code |

mod account;
mod authorize;
mod client_auth;
mod federation;
mod finish;
mod forms;
mod login;
mod login_page;
mod logout;
mod request;
mod respond;
#[cfg(feature = "saml")]
mod saml;
mod token;
mod userinfo;

use super::domains::Mount;
use super::{Shared, pages};
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use portcullis_core::Error;
use portcullis_core::error::Entity;
use portcullis_core::pool::UserPool;

pub(crate) fn routes() -> Router<Shared> {
    // Browser apps (public clients) call these from their own origin; no cookies are involved.
    let machine = Router::new()
        .route("/{pool}/oauth2/token", post(token::token))
        .route(
            "/{pool}/oauth2/userInfo",
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route("/{pool}/oauth2/revoke", post(token::revoke))
        .layer(super::cors());
    // Pages for people: no CORS (RFC 9700 §2.6), framing forbidden.
    Router::new()
        .route(
            "/{pool}/oauth2/authorize",
            get(authorize::get).post(authorize::post),
        )
        .route("/{pool}/login", get(login::show).post(login::submit))
        .route("/{pool}/oauth2/idpresponse", get(federation::idp_response))
        .route(
            "/{pool}/oauth2/idpresponse/{provider}",
            get(federation::idp_response_for),
        )
        .route("/{pool}/login/new-password", post(login::new_password))
        .route(
            "/{pool}/signup",
            get(account::signup_show).post(account::signup_submit),
        )
        .route("/{pool}/confirm", post(account::confirm_submit))
        .route("/{pool}/confirmUser", get(account::confirm_user))
        .route(
            "/{pool}/forgotPassword",
            get(account::forgot_show).post(account::forgot_submit),
        )
        .route("/{pool}/confirmForgotPassword", post(account::reset_submit))
        .route("/{pool}/logout", get(logout::logout).post(logout::confirm))
        .route("/{pool}/oauth2/idplogout", get(logout::idp_logout))
        .merge(machine)
        .merge(saml_routes())
}

#[cfg(feature = "saml")]
fn saml_routes() -> Router<Shared> {
    Router::new()
        .route("/{pool}/saml2/idpresponse", post(saml::saml_response))
        .route("/{pool}/saml2/metadata", get(saml::saml_metadata))
        .route(
            "/{pool}/saml2/logout",
            get(saml::saml_logout).post(saml::saml_logout_post),
        )
}

#[cfg(not(feature = "saml"))]
fn saml_routes() -> Router<Shared> {
    Router::new()
}

/// The pool a request is for, with the URLs that go with it.
pub(crate) struct PoolCtx {
    pub pool: UserPool,
    pub issuer: String,
    /// Where this request sees the pool's pages: the issuer, or the pool's domain.
    pub base: String,
    /// The path prefix of the pool's pages as the browser sees them (`/{pool-id}`, or empty
    /// on the pool's domain).
    pub path: String,
    pub secure: bool,
}

impl PoolCtx {
    pub(crate) async fn load(
        s: &Shared,
        pool: &str,
        mount: Option<&Mount>,
    ) -> Result<PoolCtx, Error> {
        let pool = s.app.pool(pool).await?;
        let issuer = s.config.issuer(pool.id.as_str());
        let (base, path) = match mount {
            Some(m) => (m.base.clone(), String::new()),
            None => (issuer.clone(), format!("/{}", pool.id)),
        };
        Ok(PoolCtx {
            issuer,
            base,
            path,
            secure: s.config.public_url.starts_with("https://"),
            pool,
        })
    }
}

/// Pages take the pool from the path (and the mount from a pool domain); an unknown pool is
/// a 404 page before the handler runs.
impl axum::extract::FromRequestParts<Shared> for PoolCtx {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &Shared,
    ) -> Result<Self, Response> {
        // Routes may name more than the pool (`/oauth2/idpresponse/{provider}`).
        let axum::extract::Path(params) = axum::extract::Path::<
            std::collections::HashMap<String, String>,
        >::from_request_parts(parts, s)
        .await
        .map_err(|_| pages::error(StatusCode::NOT_FOUND, "This sign-in page does not exist."))?;
        let pool = params.get("pool").cloned().unwrap_or_default();
        let mount = parts.extensions.get::<Mount>().cloned();
        PoolCtx::load(s, &pool, mount.as_ref())
            .await
            .map_err(page_error)
    }
}

impl PoolCtx {
    pub(crate) fn cookie_path(&self) -> &str {
        if self.path.is_empty() {
            "/"
        } else {
            &self.path
        }
    }

    /// The origin browsers send for this request's pages.
    pub(crate) fn origin(&self) -> String {
        url::Url::parse(&self.base)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }
}

/// For pages: an unknown pool is a 404 page, anything else internal is logged.
pub(crate) fn page_error(e: Error) -> Response {
    match e {
        Error::NotFound(Entity::Pool) | Error::InvalidRequest(_) => {
            pages::error(StatusCode::NOT_FOUND, "This sign-in page does not exist.")
        }
        Error::Hook(h) => pages::error(StatusCode::BAD_REQUEST, &h.message()),
        other => {
            let id = uuid::Uuid::new_v4();
            tracing::error!(error_id = %id, error = %other, "internal error on a page");
            pages::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("Something went wrong on our side (reference {id}). Please try again."),
            )
        }
    }
}

#[cfg(test)]
mod tests;
