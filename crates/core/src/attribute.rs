//! The rules for names and attribute values on their own, before any pool or user is in
//! view: which attributes are standard, what a username may contain and how it is
//! normalised, what an attribute value may be. Pools and users both build on these.

use crate::{Error, Result};

/// Standard OIDC attributes a pool stores (OIDC Core §5.1), as Cognito names them.
pub const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

/// Cognito: 1–128 characters, printable, no whitespace (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`).
/// Format and invisible characters (zero-width spaces, bidirectional overrides, fillers) are
/// refused too: they make names that look like someone else's.
pub fn check_username(username: &str) -> Result<()> {
    if username.is_empty() || username.chars().count() > 128 {
        return Err(Error::invalid("username must be 1-128 characters"));
    }
    if username
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::invalid(
            "username must not contain whitespace or control characters",
        ));
    }
    if username.chars().any(is_invisible) {
        return Err(Error::invalid(
            "username must not contain invisible or formatting characters",
        ));
    }
    Ok(())
}

/// A username in Unicode normalization form C, so `josé` typed either way is one name.
pub fn normalize_username(username: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    username.nfc().collect()
}

/// Unicode's format characters (general category Cf) and the characters that render as
/// nothing: Hangul fillers, the combining grapheme joiner, variation selectors, the Braille
/// blank, tag characters.
fn is_invisible(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x06DD | 0x070F | 0x08E2 | 0x115F | 0x1160 | 0x17B4
        | 0x17B5 | 0x180E | 0x2800 | 0x3164 | 0xFEFF | 0xFFA0 | 0x110BD | 0x110CD | 0xE0001
        | 0x0600..=0x0605
        | 0x0890..=0x0891
        | 0x180B..=0x180F
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0xFE00..=0xFE0F
        | 0xFFF0..=0xFFFB
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

/// Standard attributes by name, `custom:` attributes of up to 20 name characters;
/// values at most 2048 characters, no control characters.
pub fn check_attribute(name: &str, value: &str) -> Result<()> {
    let known = STANDARD_ATTRIBUTES.contains(&name)
        || name.strip_prefix("custom:").is_some_and(|n| {
            !n.is_empty()
                && n.len() <= 20
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if !known {
        return Err(Error::invalid(format!("unknown attribute {name:?}")));
    }
    if value.chars().count() > 2048 || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(format!(
            "invalid value for attribute {name:?}"
        )));
    }
    if (name == "email_verified" || name == "phone_number_verified")
        && value != "true"
        && value != "false"
    {
        return Err(Error::invalid(format!("{name} must be true or false")));
    }
    if name == "email" && !looks_like_email(value) {
        return Err(Error::invalid("invalid email address format"));
    }
    if name == "phone_number" && !is_e164(value) {
        return Err(Error::invalid(
            "Invalid phone number format: give it as +country code and number, e.g. +14325551212",
        ));
    }
    Ok(())
}

/// E.164: `+`, then up to 15 digits, the first not 0.
pub fn is_e164(v: &str) -> bool {
    v.strip_prefix('+').is_some_and(|d| {
        (2..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) && !d.starts_with('0')
    })
}

pub fn looks_like_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}
