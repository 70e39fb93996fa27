//! The form kit of the hosted pages: every form carries a CSRF token, a MAC (under a key
//! derived from the master key) of a random value kept in a cookie; a posted form is parsed
//! once (no repeated fields) and checked against it, and against the browser's own
//! cross-site signals, before a handler sees it.

use super::PoolCtx;
use crate::http::{Shared, cookies, pages, params};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use portcullis_core::Error;
use portcullis_core::oauth::params::Params;
use portcullis_crypto::tokens::random_token;

const CSRF_PURPOSE: &str = "login-csrf";
const CSRF_COOKIE_SECS: i64 = 3600;

/// The CSRF cookie value (existing or new) and whether it must be set. A failing random
/// generator is an error, never an empty (guessable) token.
fn csrf_cookie(ctx: &PoolCtx, headers: &HeaderMap) -> Result<(String, bool), Error> {
    match cookies::get(headers, &cookies::name(cookies::CSRF, ctx.secure)) {
        Some(v) if !v.is_empty() => Ok((v, false)),
        _ => random_token()
            .map(|t| (t, true))
            .map_err(|e| Error::internal(format!("random generator: {e}"))),
    }
}

pub(crate) fn set_cookie(res: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// Same-origin only: the token must match the cookie, and browsers' own origin signals must
/// not say cross-site.
/// A form posted to one of the pool's pages: parsed once (no repeated fields) and
/// CSRF-checked; `Err` is the error page to send.
pub(crate) fn posted_form(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Params, Response> {
    let form = params::from_urlencoded(body).map_err(|_| {
        pages::error(
            StatusCode::BAD_REQUEST,
            "A form field appears more than once.",
        )
    })?;
    if !csrf_ok(s, ctx, headers, &form) {
        return Err(pages::error(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site. Go back and try again.",
        ));
    }
    Ok(form)
}

pub(crate) fn csrf_ok(s: &Shared, ctx: &PoolCtx, headers: &HeaderMap, form: &Params) -> bool {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    // Pages send `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` on
    // form posts; that says nothing either way, and the token below still has to match.
    if let Some(origin) = header("origin")
        && origin != "null"
        && origin != ctx.origin()
    {
        return false;
    }
    let Some(cookie) =
        cookies::get(headers, &cookies::name(cookies::CSRF, ctx.secure)).filter(|c| !c.is_empty())
    else {
        return false;
    };
    form.get("_csrf")
        .is_some_and(|t| s.app.master.verify_mac(CSRF_PURPOSE, &cookie, t))
}

pub(crate) fn action(ctx: &PoolCtx, path: &str, query: &Params) -> String {
    format!("{}{path}?{}", ctx.path, params::to_query(query))
}

/// Renders a form page with a CSRF token, setting the CSRF cookie if the browser had none.
pub(crate) fn with_csrf(
    s: &Shared,
    ctx: &PoolCtx,
    headers: &HeaderMap,
    render: impl FnOnce(&str) -> Response,
) -> Response {
    let (cookie, new) = match csrf_cookie(ctx, headers) {
        Ok(c) => c,
        Err(e) => return super::page_error(e),
    };
    let mut res = render(&s.app.master.mac(CSRF_PURPOSE, &cookie));
    if new {
        let name = cookies::name(cookies::CSRF, ctx.secure);
        let value = cookies::set(
            &name,
            &cookie,
            ctx.cookie_path(),
            CSRF_COOKIE_SECS,
            ctx.secure,
        );
        set_cookie(&mut res, &value);
    }
    res
}

/// What a handler of the hosted pages answers: the page, or the page that stops it early
/// (a bad request, a CSRF refusal, an error redirect), so each step can end with `?`.
pub(crate) type PageResult = Result<Response, Response>;

/// What a page says besides its form: nothing, a notice, or an error with the status the
/// page is sent with.
#[derive(Clone, Copy)]
pub(crate) enum Say<'a> {
    Nothing,
    Notice(&'a str),
    Error(StatusCode, &'a str),
}

impl<'a> Say<'a> {
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Say::Error(status, _) => status,
            _ => StatusCode::OK,
        }
    }
    pub(crate) fn error(self) -> Option<&'a str> {
        match self {
            Say::Error(_, m) => Some(m),
            _ => None,
        }
    }
    pub(crate) fn notice(self) -> Option<&'a str> {
        match self {
            Say::Notice(m) => Some(m),
            _ => None,
        }
    }
}

/// The one context every hosted page is drawn with: the pool, the browser's headers (for
/// its CSRF cookie), and the app's pending authorization request, which every form and link
/// on the page carries on.
#[derive(Clone, Copy)]
pub(crate) struct PageCtx<'a> {
    pub(crate) s: &'a Shared,
    pub(crate) ctx: &'a PoolCtx,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) query: &'a Params,
}

impl<'a> PageCtx<'a> {
    pub(crate) fn new(
        s: &'a Shared,
        ctx: &'a PoolCtx,
        headers: &'a HeaderMap,
        query: &'a Params,
    ) -> Self {
        PageCtx {
            s,
            ctx,
            headers,
            query,
        }
    }

    /// A path of the pool's pages, with the pending request.
    pub(crate) fn action(&self, path: &str) -> String {
        action(self.ctx, path, self.query)
    }
    /// Renders a form with a CSRF token (see `with_csrf`).
    pub(crate) fn with_csrf(&self, render: impl FnOnce(&str) -> Response) -> Response {
        with_csrf(self.s, self.ctx, self.headers, render)
    }
}
