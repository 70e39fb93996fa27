//! Custom attributes a pool declares (Cognito's `Schema` entries without a standard name),
//! and the checks every write of user attributes goes through: a `custom:` attribute must be
//! declared, its value must fit its type and constraints, an immutable one is set only at
//! creation, and no user carries more attributes than a pool can declare. App clients then
//! narrow what they may read and write (Cognito's ReadAttributes / WriteAttributes).

use crate::attribute::STANDARD_ATTRIBUTES;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Cognito's limit of custom attributes per pool.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;
/// The longest custom attribute name, without its `custom:` prefix.
pub const MAX_NAME: usize = 20;
/// The most attributes one write may carry: every standard and custom one, and some room.
pub const MAX_ATTRIBUTES_PER_WRITE: usize = 100;
/// The longest string attribute value Cognito stores.
pub const MAX_STRING: u32 = 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataType {
    String,
    Number,
    DateTime,
    Boolean,
}

impl DataType {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "String" => DataType::String,
            "Number" => DataType::Number,
            "DateTime" => DataType::DateTime,
            "Boolean" => DataType::Boolean,
            other => {
                return Err(Error::invalid(format!(
                    "AttributeDataType {other:?} must be String, Number, DateTime or Boolean"
                )));
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DataType::String => "String",
            DataType::Number => "Number",
            DataType::DateTime => "DateTime",
            DataType::Boolean => "Boolean",
        }
    }
}

/// One declared custom attribute; `name` is without the `custom:` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAttribute {
    pub name: String,
    pub data_type: DataType,
    /// Immutable attributes are set when the user is created and never changed after.
    #[serde(default = "yes")]
    pub mutable: bool,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub min_value: Option<i64>,
    #[serde(default)]
    pub max_value: Option<i64>,
    /// Cognito's DeveloperOnlyAttribute: administrators read and write it; users' own calls
    /// (SignUp, GetUser, UpdateUserAttributes) and their tokens never see it.
    #[serde(default)]
    pub developer_only: bool,
}

fn yes() -> bool {
    true
}

impl CustomAttribute {
    /// A String attribute, mutable, without constraints.
    pub fn string(name: &str) -> Self {
        CustomAttribute {
            name: name.to_owned(),
            data_type: DataType::String,
            mutable: true,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
            developer_only: false,
        }
    }

    /// The name users and tokens know it by.
    pub fn full_name(&self) -> String {
        format!("custom:{}", self.name)
    }

    /// Cognito's rules for a declaration.
    pub fn validate(&self) -> Result<()> {
        let n = &self.name;
        if n.is_empty()
            || n.chars().count() > MAX_NAME
            || !n
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(Error::invalid(format!(
                "custom attribute name {n:?} must be 1-{MAX_NAME} letters, digits, _ or -"
            )));
        }
        if let (Some(lo), Some(hi)) = (self.min_length, self.max_length)
            && lo > hi
        {
            return Err(Error::invalid(format!(
                "custom:{n}: MinLength must not exceed MaxLength"
            )));
        }
        if self.max_length.is_some_and(|m| m > MAX_STRING) {
            return Err(Error::invalid(format!(
                "custom:{n}: MaxLength must be at most {MAX_STRING}"
            )));
        }
        if let (Some(lo), Some(hi)) = (self.min_value, self.max_value)
            && lo > hi
        {
            return Err(Error::invalid(format!(
                "custom:{n}: MinValue must not exceed MaxValue"
            )));
        }
        Ok(())
    }

    /// Whether `value` fits the type and constraints.
    pub fn check_value(&self, value: &str) -> Result<()> {
        let bad = |why: &str| {
            Err(Error::invalid(format!(
                "Attributes did not conform to the schema: custom:{}: {why}",
                self.name
            )))
        };
        match self.data_type {
            DataType::String => {
                let len = u32::try_from(value.chars().count()).unwrap_or(u32::MAX);
                if len < self.min_length.unwrap_or(0) || len > self.max_length.unwrap_or(MAX_STRING)
                {
                    return bad("the value's length is outside the attribute's constraints");
                }
            }
            DataType::Number => match value.trim().parse::<i64>() {
                Ok(v)
                    if self.min_value.is_none_or(|m| v >= m)
                        && self.max_value.is_none_or(|m| v <= m) => {}
                Ok(_) => return bad("the number is outside the attribute's constraints"),
                Err(_) => return bad("the value is not a number"),
            },
            DataType::Boolean => {
                if !matches!(value, "true" | "false") {
                    return bad("the value must be true or false");
                }
            }
            DataType::DateTime => {
                if value.is_empty() || value.len() > 64 {
                    return bad("the value is not a date");
                }
            }
        }
        Ok(())
    }
}

/// Every declaration valid, names unique, at most [`MAX_CUSTOM_ATTRIBUTES`].
pub fn validate_declarations(list: &[CustomAttribute]) -> Result<()> {
    if list.len() > MAX_CUSTOM_ATTRIBUTES {
        return Err(Error::invalid(format!(
            "a pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes"
        )));
    }
    for (i, a) in list.iter().enumerate() {
        a.validate()?;
        if list.iter().take(i).any(|b| b.name == a.name) {
            return Err(Error::invalid(format!(
                "custom:{} is declared twice",
                a.name
            )));
        }
    }
    Ok(())
}

/// Whether a write creates the user or changes one that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Create,
    Update,
}

/// Writes the values of declared Boolean attributes as `true` / `false` whatever their case
/// (`True`, as Cognito reads them).
pub fn normalize(declared: &[CustomAttribute], attributes: &mut BTreeMap<String, String>) {
    for (name, value) in attributes.iter_mut() {
        let boolean = name
            .strip_prefix("custom:")
            .and_then(|n| declared.iter().find(|d| d.name == n))
            .is_some_and(|d| d.data_type == DataType::Boolean);
        if boolean && (value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")) {
            *value = value.to_ascii_lowercase();
        }
    }
}

/// Checks attributes about to be written against the pool's declarations: custom ones must be
/// declared (Cognito's message otherwise), fit their type, and be mutable on an update.
pub fn check_write(
    declared: &[CustomAttribute],
    attributes: &BTreeMap<String, String>,
    write: Write,
) -> Result<()> {
    if attributes.len() > MAX_ATTRIBUTES_PER_WRITE {
        return Err(Error::invalid(format!(
            "at most {MAX_ATTRIBUTES_PER_WRITE} attributes can be written at once"
        )));
    }
    attributes
        .iter()
        .try_for_each(|(name, value)| check_one(declared, name, value, write))
}

/// One attribute of a write: a `custom:` one must be declared, fit, and (on an update) be
/// mutable; standard attributes are not this function's to judge.
pub fn check_one(
    declared: &[CustomAttribute],
    name: &str,
    value: &str,
    write: Write,
) -> Result<()> {
    let Some(short) = name.strip_prefix("custom:") else {
        return Ok(());
    };
    let Some(decl) = declared.iter().find(|d| d.name == short) else {
        return Err(Error::invalid(format!(
            "Attributes did not conform to the schema: Type for attribute {{{name}}} could not be determined"
        )));
    };
    decl.check_value(value)?;
    if write == Write::Update && !decl.mutable {
        return Err(Error::invalid(format!(
            "Attribute cannot be updated. (changing an immutable attribute): {name}"
        )));
    }
    Ok(())
}

/// An attribute name an app client may list in ReadAttributes / WriteAttributes.
pub fn known_attribute(declared: &[CustomAttribute], name: &str) -> bool {
    STANDARD_ATTRIBUTES.contains(&name)
        || name
            .strip_prefix("custom:")
            .is_some_and(|n| declared.iter().any(|d| d.name == n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn declared_booleans_are_read_without_regard_to_case() {
        let declared = vec![
            CustomAttribute {
                data_type: DataType::Boolean,
                ..CustomAttribute::string("beta")
            },
            CustomAttribute::string("motto"),
        ];
        let mut a = attrs(&[("custom:beta", "True"), ("custom:motto", "True")]);
        normalize(&declared, &mut a);
        assert_eq!(a["custom:beta"], "true");
        assert_eq!(a["custom:motto"], "True", "a string stays as written");
        assert!(check_write(&declared, &a, Write::Create).is_ok());
        let mut bad = attrs(&[("custom:beta", "yes")]);
        normalize(&declared, &mut bad);
        assert!(check_write(&declared, &bad, Write::Create).is_err());
    }

    #[test]
    fn only_declared_custom_attributes_may_be_written() {
        let declared = vec![
            CustomAttribute::string("tenant"),
            CustomAttribute {
                data_type: DataType::Number,
                min_value: Some(1),
                max_value: Some(10),
                mutable: false,
                ..CustomAttribute::string("level")
            },
        ];
        let ok = attrs(&[
            ("custom:tenant", "acme"),
            ("custom:level", "3"),
            ("email", "a@b.c"),
        ]);
        assert!(check_write(&declared, &ok, Write::Create).is_ok());
        let err = check_write(
            &declared,
            &attrs(&[("custom:role", "admin")]),
            Write::Create,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: Attributes did not conform to the schema: Type for attribute {custom:role} could not be determined"
        );
        for bad in [("custom:level", "11"), ("custom:level", "x")] {
            assert!(
                check_write(&declared, &attrs(&[bad]), Write::Create).is_err(),
                "{bad:?}"
            );
        }
        assert!(
            check_write(&declared, &attrs(&[("custom:level", "2")]), Write::Update).is_err(),
            "immutable"
        );
        assert!(check_write(&declared, &attrs(&[("custom:tenant", "b")]), Write::Update).is_ok());
        let many: BTreeMap<String, String> = (0..1000)
            .map(|i| (format!("custom:a{i}"), "x".to_owned()))
            .collect();
        assert!(check_write(&declared, &many, Write::Create).is_err());
    }

    #[test]
    fn declarations_follow_cognitos_rules() {
        assert!(validate_declarations(&[CustomAttribute::string("tenant")]).is_ok());
        for bad in [
            CustomAttribute::string(""),
            CustomAttribute::string("much_too_long_a_name_x"),
            CustomAttribute::string("has space"),
            CustomAttribute {
                min_length: Some(5),
                max_length: Some(2),
                ..CustomAttribute::string("s")
            },
            CustomAttribute {
                max_length: Some(4096),
                ..CustomAttribute::string("s")
            },
        ] {
            assert!(
                validate_declarations(std::slice::from_ref(&bad)).is_err(),
                "{bad:?}"
            );
        }
        let twice = [CustomAttribute::string("a"), CustomAttribute::string("a")];
        assert!(validate_declarations(&twice).is_err());
        let too_many: Vec<CustomAttribute> = (0..51)
            .map(|i| CustomAttribute::string(&format!("a{i}")))
            .collect();
        assert!(validate_declarations(&too_many).is_err());
    }
}
