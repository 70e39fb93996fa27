//! Cognito's user import CSV (GetCSVHeader's columns): a header line naming the columns,
//! then one user per line. Fields may be quoted (`"a, b"`, `""` for a quote). The rules are
//! Cognito's: `cognito:username` is required, booleans are `true`/`false`,
//! `cognito:mfa_enabled` must be `false` here (no MFA yet), and users arrive RESET_REQUIRED.

use super::UserRecord;
use std::collections::BTreeMap;

/// The standard columns, as GetCSVHeader lists them (custom attributes follow).
pub const STANDARD_COLUMNS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
    "cognito:mfa_enabled",
    "cognito:username",
];

/// The fields of one CSV line.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => {
                quoted = true;
                at_start = false;
            }
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => {
                quoted = false;
                if chars.peek().is_some_and(|n| *n != ',') {
                    return Err("a quoted field must end at a comma".into());
                }
            }
            (false, ',') => {
                out.push(std::mem::take(&mut field));
                at_start = true;
            }
            (_, c) => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    out.push(field);
    Ok(out)
}

/// The header: every column a standard one or `custom:…`, `cognito:username` present.
pub fn header(line: &str) -> Result<Vec<String>, String> {
    let cols = split(line.trim_start_matches('\u{feff}'))?;
    for c in &cols {
        if !STANDARD_COLUMNS.contains(&c.as_str()) && !c.starts_with("custom:") {
            return Err(format!("unknown column {c:?}"));
        }
    }
    if !cols.iter().any(|c| c == "cognito:username") {
        return Err("the header has no cognito:username column".into());
    }
    Ok(cols)
}

/// One data line as a record (status RESET_REQUIRED, no password).
pub fn record(columns: &[String], line: &str) -> Result<UserRecord, String> {
    let fields = split(line)?;
    if fields.len() != columns.len() {
        return Err(format!(
            "{} fields where the header has {} columns",
            fields.len(),
            columns.len()
        ));
    }
    let mut attributes = BTreeMap::new();
    let mut username = None;
    for (col, value) in columns.iter().zip(fields) {
        match col.as_str() {
            "cognito:username" => username = Some(value),
            "cognito:mfa_enabled" => match value.to_ascii_lowercase().as_str() {
                "" | "false" => {}
                "true" => return Err("cognito:mfa_enabled must be false: no MFA yet".into()),
                _ => return Err("cognito:mfa_enabled must be true or false".into()),
            },
            "email_verified" | "phone_number_verified" => {
                match value.to_ascii_lowercase().as_str() {
                    "" => {}
                    v @ ("true" | "false") => {
                        attributes.insert(col.clone(), v.to_owned());
                    }
                    _ => return Err(format!("{col} must be true or false")),
                }
            }
            _ if value.is_empty() => {}
            _ => {
                attributes.insert(col.clone(), value);
            }
        }
    }
    let username = username
        .filter(|u| !u.is_empty())
        .ok_or("cognito:username is empty")?;
    Ok(UserRecord {
        username,
        sub: None,
        enabled: true,
        status: Some("RESET_REQUIRED".into()),
        attributes,
        groups: Vec::new(),
        password_hash: None,
        created_at: None,
        password_import_hook: false,
    })
}

/// A field written so `split` reads it back.
pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_with_quotes() {
        assert_eq!(
            split(r#"a,"b, c","say ""hi""",,"#).unwrap(),
            vec!["a", "b, c", "say \"hi\"", "", ""]
        );
        assert!(split(r#""open"#).is_err());
        for f in ["plain", "a,b", "q\"uote"] {
            assert_eq!(split(&quote(f)).unwrap(), vec![f]);
        }
    }

    #[test]
    fn rows_follow_cognitos_rules() {
        let cols =
            header("cognito:username,email,email_verified,cognito:mfa_enabled,custom:org").unwrap();
        let r = record(&cols, "ann,ann@x.example,TRUE,false,acme").unwrap();
        assert_eq!(r.username, "ann");
        assert_eq!(r.status.as_deref(), Some("RESET_REQUIRED"));
        assert_eq!(r.attributes["email_verified"], "true");
        assert_eq!(r.attributes["custom:org"], "acme");
        assert!(
            record(&cols, ",a@x.example,true,false,")
                .unwrap_err()
                .contains("cognito:username")
        );
        assert!(
            record(&cols, "b,b@x.example,yes,false,")
                .unwrap_err()
                .contains("email_verified")
        );
        assert!(
            record(&cols, "c,c@x.example,true,true,")
                .unwrap_err()
                .contains("mfa")
        );
        assert!(
            record(&cols, "d,d@x.example")
                .unwrap_err()
                .contains("fields")
        );
        assert!(header("email,nickname").is_err());
        assert!(header("cognito:username,shoe_size").is_err());
    }
}
