//! Reading the `Cookie` header and writing `Set-Cookie`. Cookies are scoped to the pool's
//! path, HttpOnly, SameSite=Lax, and Secure (with the `__Secure-` prefix) when the public URL
//! is https.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub(crate) const SESSION: &str = "portcullis_session";
pub(crate) const CSRF: &str = "portcullis_csrf";

pub(crate) fn name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Secure-{base}")
    } else {
        base.to_owned()
    }
}

pub(crate) fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

pub(crate) fn set(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub(crate) fn clear(name: &str, path: &str, secure: bool) -> String {
    set(name, "", path, 0, secure)
}
