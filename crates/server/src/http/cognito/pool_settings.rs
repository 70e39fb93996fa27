//! A pool's settings read from CreateUserPool / UpdateUserPool input: the password policy,
//! username and alias attributes, message templates, the schema, verification and account
//! recovery; each refusal an InvalidParameterException in Cognito's words where it has them.

use super::error::CognitoError;
use portcullis_core::password_policy::PasswordPolicy;
use portcullis_core::pool::{
    AutoVerified, PoolSettings, RecoveryMechanism, RecoveryOption, UsernameAttribute,
};
use portcullis_core::schema::{CustomAttribute, DataType};
use portcullis_core::standard_schema;
use serde_json::Value;

pub(crate) fn settings_from(input: &Value) -> Result<PoolSettings, CognitoError> {
    refuse_unsupported(input)?;
    let mut s = PoolSettings::default();
    if let Some(pp) = input.pointer("/Policies/PasswordPolicy") {
        s.password_policy = password_policy_from(pp);
    }
    if let Some(attrs) = input.get("UsernameAttributes").and_then(Value::as_array) {
        for a in attrs {
            match a.as_str() {
                Some("email") => s.username_attributes.push(UsernameAttribute::Email),
                Some("phone_number") => s.username_attributes.push(UsernameAttribute::PhoneNumber),
                _ => {
                    return Err(CognitoError::invalid_parameter(
                        "UsernameAttributes must be email or phone_number",
                    ));
                }
            }
        }
    }
    messages_from(input, &mut s)?;
    schema_from(input, &mut s)?;
    recovery_from(input, &mut s)?;
    if let Some(cs) = input
        .pointer("/UsernameConfiguration/CaseSensitive")
        .and_then(Value::as_bool)
    {
        s.case_sensitive_usernames = cs;
    }
    if let Some(lc) = input.get("LambdaConfig") {
        s.hooks = super::lambda_config::hooks_from(lc)?;
    }
    Ok(s)
}

/// Settings Portcullis cannot honour yet are refused rather than stored and ignored: MFA
/// other than OFF, threat protection other than OFF. Their "off" values are accepted.
fn refuse_unsupported(input: &Value) -> Result<(), CognitoError> {
    let not_yet = |what: &str| {
        Err(CognitoError::invalid_parameter(&format!(
            "{what} is not supported by Portcullis yet"
        )))
    };
    if input
        .get("MfaConfiguration")
        .and_then(Value::as_str)
        .is_some_and(|m| m != "OFF")
    {
        return not_yet("MFA");
    }
    if input
        .pointer("/UserPoolAddOns/AdvancedSecurityMode")
        .and_then(Value::as_str)
        .is_some_and(|m| m != "OFF")
    {
        return not_yet("AdvancedSecurityMode (threat protection)");
    }
    Ok(())
}

/// AutoVerifiedAttributes (none unless given, as in Cognito's API), AccountRecoverySetting,
/// AliasAttributes and SmsVerificationMessage.
fn recovery_from(input: &Value, s: &mut PoolSettings) -> Result<(), CognitoError> {
    let bad = |m: &str| CognitoError::invalid_parameter(m);
    s.auto_verified_attributes = AutoVerified(
        input
            .get("AutoVerifiedAttributes")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad("AutoVerifiedAttributes must be a list of strings"))
            })
            .transpose()?
            .unwrap_or_default(),
    );
    if let Some(list) = input.pointer("/AccountRecoverySetting/RecoveryMechanisms") {
        let list = list
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| bad("RecoveryMechanisms must list 1 or 2 mechanisms"))?;
        for m in list {
            let priority = m
                .get("Priority")
                .and_then(Value::as_u64)
                .and_then(|p| u8::try_from(p).ok())
                .ok_or_else(|| bad("each recovery mechanism needs a Priority of 1 or 2"))?;
            let name = m.get("Name").and_then(Value::as_str).unwrap_or("");
            let name = RecoveryMechanism::parse(name).map_err(|e| bad(&e.to_string()))?;
            s.account_recovery.push(RecoveryOption { priority, name });
        }
    }
    s.alias_attributes = input
        .get("AliasAttributes")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("AliasAttributes must be a list of strings"))
        })
        .transpose()?
        .unwrap_or_default();
    s.sms_verification_message = input
        .get("SmsVerificationMessage")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(())
}

/// `Policies.PasswordPolicy`, each member defaulting to Cognito's default.
fn password_policy_from(pp: &Value) -> PasswordPolicy {
    let d = PasswordPolicy::default();
    let flag = |n: &str, dflt: bool| pp.get(n).and_then(Value::as_bool).unwrap_or(dflt);
    let int = |n: &str, dflt: u32| pp.get(n).and_then(Value::as_u64).map_or(dflt, |v| v as u32);
    PasswordPolicy {
        minimum_length: int("MinimumLength", d.minimum_length),
        require_uppercase: flag("RequireUppercase", d.require_uppercase),
        require_lowercase: flag("RequireLowercase", d.require_lowercase),
        require_numbers: flag("RequireNumbers", d.require_numbers),
        require_symbols: flag("RequireSymbols", d.require_symbols),
        temporary_password_validity_days: int(
            "TemporaryPasswordValidityDays",
            d.temporary_password_validity_days,
        ),
    }
}

/// The message templates (verification, by code or link, and invitation) and the sender.
fn messages_from(input: &Value, s: &mut PoolSettings) -> Result<(), CognitoError> {
    let text = |ptr: &str| {
        input
            .pointer(ptr)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let m = &mut s.messages;
    let slots: [(Option<String>, &mut String); 6] = [
        (
            text("/VerificationMessageTemplate/EmailMessage")
                .or_else(|| text("/EmailVerificationMessage")),
            &mut m.verification_message,
        ),
        (
            text("/VerificationMessageTemplate/EmailSubject")
                .or_else(|| text("/EmailVerificationSubject")),
            &mut m.verification_subject,
        ),
        (
            text("/VerificationMessageTemplate/EmailMessageByLink"),
            &mut m.link_message,
        ),
        (
            text("/VerificationMessageTemplate/EmailSubjectByLink"),
            &mut m.link_subject,
        ),
        (
            text("/AdminCreateUserConfig/InviteMessageTemplate/EmailMessage"),
            &mut m.invitation_message,
        ),
        (
            text("/AdminCreateUserConfig/InviteMessageTemplate/EmailSubject"),
            &mut m.invitation_subject,
        ),
    ];
    for (given, slot) in slots {
        if let Some(v) = given {
            *slot = v;
        }
    }
    if let Some(o) = text("/VerificationMessageTemplate/DefaultEmailOption") {
        m.confirm_with_link = match o.as_str() {
            "CONFIRM_WITH_LINK" => true,
            "CONFIRM_WITH_CODE" => false,
            _ => {
                return Err(CognitoError::invalid_parameter(
                    "DefaultEmailOption must be CONFIRM_WITH_CODE or CONFIRM_WITH_LINK",
                ));
            }
        };
    }
    s.email.from = text("/EmailConfiguration/From");
    s.email.reply_to = text("/EmailConfiguration/ReplyToEmailAddress");
    Ok(())
}

/// `Schema`: standard attributes marked required, and the custom attributes.
fn schema_from(input: &Value, s: &mut PoolSettings) -> Result<(), CognitoError> {
    for a in input
        .get("Schema")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = a.get("Name").and_then(Value::as_str).unwrap_or("");
        // Custom attributes are named without their `custom:` prefix here.
        let standard = standard_schema::standard(name).is_some();
        if standard {
            let mutable = a.get("Mutable").and_then(Value::as_bool);
            standard_schema::check_declaration(
                name,
                a.get("AttributeDataType").and_then(Value::as_str),
                a.get("DeveloperOnlyAttribute").and_then(Value::as_bool) == Some(true),
                mutable,
            )
            .map_err(|e| CognitoError::invalid_parameter(&e.to_string()))?;
            if mutable == Some(false) && name != "sub" {
                s.immutable_attributes.push(name.to_owned());
            }
        }
        if a.get("Required").and_then(Value::as_bool) == Some(true) && name != "sub" {
            if !standard {
                return Err(CognitoError::invalid_parameter(
                    "Required custom attributes are not supported currently.",
                ));
            }
            s.required_attributes.push(name.to_owned());
        }
        if !standard {
            s.custom_attributes.push(custom_attribute(a, name)?);
        }
    }
    Ok(())
}

/// A custom attribute's `SchemaAttributeType`: its type is required, its constraints
/// optional (Cognito sends numbers as strings in them).
pub(super) fn custom_attribute(a: &Value, name: &str) -> Result<CustomAttribute, CognitoError> {
    let short = name.strip_prefix("custom:").unwrap_or(name);
    let data_type = a
        .get("AttributeDataType")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            CognitoError::invalid_parameter(&format!(
                "AttributeDataType is required for the custom attribute {short}"
            ))
        })?;
    let num = |ptr: &str| -> Result<Option<i64>, CognitoError> {
        match a.pointer(ptr) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(t)) => t.trim().parse().map(Some).map_err(|_| {
                CognitoError::invalid_parameter(&format!("{ptr} of {short} must be a number"))
            }),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| {
                CognitoError::invalid_parameter(&format!("{ptr} of {short} must be a number"))
            }),
        }
    };
    let length = |ptr: &str| -> Result<Option<u32>, CognitoError> {
        num(ptr)?
            .map(|n| {
                u32::try_from(n).map_err(|_| {
                    CognitoError::invalid_parameter(&format!("{ptr} of {short} must be positive"))
                })
            })
            .transpose()
    };
    Ok(CustomAttribute {
        name: short.to_owned(),
        data_type: DataType::parse(data_type)
            .map_err(|e| CognitoError::invalid_parameter(&e.to_string()))?,
        mutable: a.get("Mutable").and_then(Value::as_bool).unwrap_or(true),
        min_length: length("/StringAttributeConstraints/MinLength")?,
        max_length: length("/StringAttributeConstraints/MaxLength")?,
        min_value: num("/NumberAttributeConstraints/MinValue")?,
        max_value: num("/NumberAttributeConstraints/MaxValue")?,
        developer_only: a
            .get("DeveloperOnlyAttribute")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}
