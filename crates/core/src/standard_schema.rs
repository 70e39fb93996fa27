//! The standard attributes as Cognito's schema describes them (DescribeUserPool's
//! `SchemaAttributes`): each one's type, whether it can change, and its constraints. A pool
//! may mark them required, or immutable, but not change their type or hide them.

use crate::schema::DataType;
use crate::{Error, Result};

/// One standard attribute's schema entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardAttribute {
    pub name: &'static str,
    pub data_type: DataType,
    /// `sub` never changes; the others may be made immutable by the pool.
    pub mutable: bool,
    /// String constraints: (MinLength, MaxLength).
    pub length: Option<(u32, u32)>,
    /// Number constraints: MinValue.
    pub min_value: Option<i64>,
}

const fn text(name: &'static str) -> StandardAttribute {
    StandardAttribute {
        name,
        data_type: DataType::String,
        mutable: true,
        length: Some((0, 2048)),
        min_value: None,
    }
}

/// Cognito's standard schema, in the order DescribeUserPool lists it.
pub const STANDARD_SCHEMA: &[StandardAttribute] = &[
    StandardAttribute {
        name: "sub",
        data_type: DataType::String,
        mutable: false,
        length: Some((1, 2048)),
        min_value: None,
    },
    text("name"),
    text("given_name"),
    text("family_name"),
    text("middle_name"),
    text("nickname"),
    text("preferred_username"),
    text("profile"),
    text("picture"),
    text("website"),
    text("email"),
    StandardAttribute {
        name: "email_verified",
        data_type: DataType::Boolean,
        mutable: true,
        length: None,
        min_value: None,
    },
    text("gender"),
    StandardAttribute {
        length: Some((10, 10)),
        ..text("birthdate")
    },
    text("zoneinfo"),
    text("locale"),
    text("phone_number"),
    StandardAttribute {
        name: "phone_number_verified",
        data_type: DataType::Boolean,
        mutable: true,
        length: None,
        min_value: None,
    },
    text("address"),
    StandardAttribute {
        name: "updated_at",
        data_type: DataType::Number,
        mutable: true,
        length: None,
        min_value: Some(0),
    },
    StandardAttribute {
        length: None,
        ..text("identities")
    },
];

pub fn standard(name: &str) -> Option<&'static StandardAttribute> {
    STANDARD_SCHEMA.iter().find(|a| a.name == name)
}

/// What a pool's `Schema` may say of a standard attribute: its own type if any, never
/// developer-only; `sub` and `identities` stay as they are.
pub fn check_declaration(
    name: &str,
    data_type: Option<&str>,
    developer_only: bool,
    mutable: Option<bool>,
) -> Result<&'static StandardAttribute> {
    let std = standard(name)
        .ok_or_else(|| Error::invalid(format!("{name} is not a standard attribute")))?;
    if let Some(t) = data_type
        && t != std.data_type.as_str()
    {
        return Err(Error::invalid(format!(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {name}"
        )));
    }
    if developer_only {
        return Err(Error::invalid(format!(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {name}"
        )));
    }
    if matches!(name, "sub" | "identities") && mutable.is_some_and(|m| m != std.mutable) {
        return Err(Error::invalid(format!(
            "You can not change Mutable for standard schema attribute {name}"
        )));
    }
    Ok(std)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_standard_attribute_has_a_schema_entry() {
        for name in crate::attribute::STANDARD_ATTRIBUTES {
            assert!(standard(name).is_some(), "{name}");
        }
        assert_eq!(standard("sub").map(|s| s.mutable), Some(false));
        assert_eq!(
            standard("email_verified").map(|s| s.data_type),
            Some(DataType::Boolean)
        );
    }

    #[test]
    fn a_standard_attribute_keeps_its_type_and_stays_visible() {
        assert!(check_declaration("email", Some("String"), false, Some(false)).is_ok());
        assert!(check_declaration("email", Some("Number"), false, None).is_err());
        assert!(check_declaration("email", None, true, None).is_err());
        assert!(check_declaration("sub", None, false, Some(true)).is_err());
        assert!(check_declaration("shoe_size", None, false, None).is_err());
    }
}
