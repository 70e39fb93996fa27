//! Server-rendered HTML for people: the sign-in and new-password forms, error and signed-out
//! pages. No scripts and no third-party assets; every page forbids framing and referrers.
//! Every interpolated value is escaped. The one exception to "no scripts" is the form that
//! carries a SAML message by HTTP-POST, whose single fixed line is allowed by its hash.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}\
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:1rem 0 .3rem;font-weight:600}\
input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #888;border-radius:4px}\
button{margin-top:1.5rem;width:100%;padding:.7rem;font-size:1rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px}\
button.secondary{margin-top:.75rem;background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}\
.error{color:#b91c1c;background:#fee2e2;padding:.6rem;border-radius:4px}.hint{color:#555;font-size:.9rem}";

pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    );
    let mut res = (status, html).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    with_page_headers(h);
    res
}

/// Headers every page and every redirect from a page carries.
pub(crate) fn with_page_headers(h: &mut axum::http::HeaderMap) {
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h1>Something went wrong</h1><p class=\"error\" role=\"alert\" id=\"error\">{}</p>",
        escape(message)
    );
    page(status, "Error", &body)
}

pub(crate) struct LoginForm<'a> {
    pub action: &'a str,
    /// (href, text) links under the form: sign-up, forgotten password.
    pub links: &'a [(&'a str, &'a str)],
    pub csrf: &'a str,
    pub username: &'a str,
    pub error: Option<&'a str>,
    /// A word before signing in (an account just made ready).
    pub notice: Option<&'a str>,
    pub pool_name: &'a str,
}

pub(crate) fn login(status: StatusCode, f: &LoginForm<'_>) -> Response {
    let error = f
        .error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"error\">{}</p>",
                escape(e)
            )
        })
        .or_else(|| {
            f.notice
                .map(|n| format!("<p role=\"status\" id=\"notice\">{}</p>", escape(n)))
        })
        .unwrap_or_default();
    let autofocus = |username_field: bool| {
        if username_field == f.username.is_empty() {
            " autofocus"
        } else {
            ""
        }
    };
    let body = format!(
        "<h1>Sign in</h1><p class=\"hint\">{pool}</p>{error}\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"_csrf\" value=\"{csrf}\">\
         <label for=\"username\">Username or email</label>\
         <input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\" required value=\"{username}\"{af_user}>\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\"{af_pass}>\
         <button type=\"submit\" id=\"submit\">Sign in</button></form>{links}",
        pool = escape(f.pool_name),
        action = escape(f.action),
        csrf = escape(f.csrf),
        username = escape(f.username),
        af_user = autofocus(true),
        af_pass = autofocus(false),
        links = f
            .links
            .iter()
            .map(|(h, t)| format!("<p><a href=\"{}\">{}</a></p>", escape(h), escape(t)))
            .collect::<String>(),
    );
    page(status, "Sign in", &body)
}

pub(crate) struct NewPasswordForm<'a> {
    pub action: &'a str,
    pub csrf: &'a str,
    pub challenge: &'a str,
    pub error: Option<&'a str>,
}

pub(crate) fn new_password(status: StatusCode, f: &NewPasswordForm<'_>) -> Response {
    let error = f
        .error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"error\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>Choose a new password</h1>\
         <p class=\"hint\">Your password was set by an administrator. Choose your own to continue.</p>{error}\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"_csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"challenge\" value=\"{challenge}\">\
         <label for=\"new_password\">New password</label>\
         <input id=\"new_password\" name=\"new_password\" type=\"password\" autocomplete=\"new-password\" required autofocus>\
         <label for=\"confirm_password\">Repeat the new password</label>\
         <input id=\"confirm_password\" name=\"confirm_password\" type=\"password\" autocomplete=\"new-password\" required>\
         <button type=\"submit\" id=\"submit\">Set password and sign in</button></form>",
        action = escape(f.action),
        csrf = escape(f.csrf),
        challenge = escape(f.challenge),
    );
    page(status, "Choose a new password", &body)
}

pub(crate) struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    /// `text`, `email` or `password`.
    pub kind: &'a str,
    pub autocomplete: &'a str,
    pub value: &'a str,
}

/// A generic form page: fields with labels, hidden inputs, a button (and maybe a second),
/// optional links.
pub(crate) struct FormPage<'a> {
    pub title: &'a str,
    pub intro: &'a str,
    pub action: &'a str,
    pub csrf: &'a str,
    pub hidden: &'a [(&'a str, &'a str)],
    pub fields: &'a [Field<'a>],
    pub button: &'a str,
    pub error: Option<&'a str>,
    pub notice: Option<&'a str>,
    /// A second button, `(value, label)`, posted as `action=value` without field checks.
    pub secondary: Option<(&'a str, &'a str)>,
    pub links: &'a [(&'a str, &'a str)],
}

pub(crate) fn form(status: StatusCode, f: &FormPage<'_>) -> Response {
    let mut body = format!(
        "<h1>{}</h1><p class=\"hint\">{}</p>",
        escape(f.title),
        escape(f.intro)
    );
    if let Some(e) = f.error {
        body.push_str(&format!(
            "<p class=\"error\" role=\"alert\" id=\"error\">{}</p>",
            escape(e)
        ));
    }
    if let Some(n) = f.notice {
        body.push_str(&format!(
            "<p role=\"status\" id=\"notice\">{}</p>",
            escape(n)
        ));
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"_csrf\" value=\"{}\">",
        escape(f.action),
        escape(f.csrf)
    ));
    for (name, value) in f.hidden {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        ));
    }
    for (i, field) in f.fields.iter().enumerate() {
        body.push_str(&format!(
            "<label for=\"{n}\">{l}</label><input id=\"{n}\" name=\"{n}\" type=\"{k}\" autocomplete=\"{a}\" required value=\"{v}\"{af}>",
            n = escape(field.name),
            l = escape(field.label),
            k = escape(field.kind),
            a = escape(field.autocomplete),
            v = escape(field.value),
            af = if i == 0 { " autofocus" } else { "" },
        ));
    }
    body.push_str(&format!(
        "<button type=\"submit\" id=\"submit\">{}</button>",
        escape(f.button)
    ));
    if let Some((value, label)) = f.secondary {
        body.push_str(&format!(
            "<button type=\"submit\" name=\"action\" value=\"{}\" formnovalidate class=\"secondary\">{}</button>",
            escape(value),
            escape(label)
        ));
    }
    body.push_str("</form>");
    for (href, text) in f.links {
        body.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(href),
            escape(text)
        ));
    }
    page(status, f.title, &body)
}

pub(crate) fn signed_out() -> Response {
    page(
        StatusCode::OK,
        "Signed out",
        "<h1>You are signed out</h1><p>You can close this window.</p>",
    )
}

/// The line that submits an [`auto_post`] form; the page's CSP allows it by its SHA-256.
const SUBMIT_SCRIPT: &str = "document.forms[0].submit()";

/// A form the browser submits to `action` by itself (SAML's HTTP-POST binding), with a
/// button for browsers without scripts. Only this line of script may run.
/// A page that posts `fields` to `action` at once (a button without JavaScript), under the
/// heading `title`.
pub(crate) fn auto_post(title: &str, action: &str, fields: &[(String, String)]) -> Response {
    use base64::Engine;
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<h1>{}</h1><form method=\"post\" action=\"{}\">{inputs}\
         <noscript><button type=\"submit\">Continue</button></noscript></form>\
         <script>{SUBMIT_SCRIPT}</script>",
        escape(title),
        escape(action)
    );
    let mut res = page(StatusCode::OK, title, &body);
    let hash = base64::engine::general_purpose::STANDARD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        SUBMIT_SCRIPT.as_bytes(),
    ));
    // No form-action: browsers apply it to the redirects after the submission too, and the
    // IdP sends the person on to wherever the app's logout ends.
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_interpolated_is_escaped() {
        assert_eq!(
            escape("\"><svg onload=x>'&"),
            "&quot;&gt;&lt;svg onload=x&gt;&#39;&amp;"
        );
    }

    #[test]
    fn auto_post_allows_only_its_own_line() {
        let res = super::auto_post(
            "Signing you out",
            "https://idp.example.test/slo?x=1",
            &[("SAMLRequest".into(), "a\"<b>".into())],
        );
        let csp = res.headers()[axum::http::header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        // echo -n 'document.forms[0].submit()' | openssl dgst -sha256 -binary | base64
        assert!(
            csp.contains("script-src 'sha256-ePniVEkSivX/c7XWBGafqh8tSpiRrKiqYeqbG7N1TOE='"),
            "{csp}"
        );
        assert!(!csp.contains("script-src 'unsafe"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
