//! User pool actions: CreateUserPool (with its `Schema`), DescribeUserPool, ListUserPools,
//! DeleteUserPool, AddCustomAttributes.

use super::Call;
use super::error::CognitoError;
use super::paging::{MAX_RESULTS_60, Paging, by_creation};
use portcullis_core::password_policy::PasswordPolicy;
use portcullis_core::pool::{
    AutoVerified, PoolSettings, RecoveryMechanism, RecoveryOption, UserPool, UsernameAttribute,
};
use portcullis_core::schema::{CustomAttribute, DataType};
use portcullis_core::standard_schema;
use serde_json::{Value, json};

/// Cognito's `UserPoolType`, as far as Portcullis has it.
fn pool_type(c: &Call<'_>, p: &UserPool, users: u64) -> Value {
    let pp = &p.settings.password_policy;
    let mut v = json!({
        "Id": p.id.as_str(),
        "Name": p.name,
        "Arn": c.s.config.pool_arn(&p.id),
        "CreationDate": p.created_at,
        "LastModifiedDate": p.updated_at,
        "Domain": p.domain,
        "Policies": {"PasswordPolicy": {
            "MinimumLength": pp.minimum_length,
            "RequireUppercase": pp.require_uppercase,
            "RequireLowercase": pp.require_lowercase,
            "RequireNumbers": pp.require_numbers,
            "RequireSymbols": pp.require_symbols,
            "TemporaryPasswordValidityDays": pp.temporary_password_validity_days,
        }},
        "UsernameAttributes": p.username_attribute().into_iter().collect::<Vec<_>>(),
        "UsernameConfiguration": {"CaseSensitive": p.settings.case_sensitive_usernames},
        "VerificationMessageTemplate": {
            "EmailMessage": p.settings.messages.verification_message,
            "EmailSubject": p.settings.messages.verification_subject,
            "EmailMessageByLink": p.settings.messages.link_message,
            "EmailSubjectByLink": p.settings.messages.link_subject,
            "DefaultEmailOption": if p.settings.messages.confirm_with_link { "CONFIRM_WITH_LINK" } else { "CONFIRM_WITH_CODE" },
        },
        "EmailConfiguration": {
            "EmailSendingAccount": "DEVELOPER",
            "From": p.settings.email.from,
            "ReplyToEmailAddress": p.settings.email.reply_to,
        },
        "SchemaAttributes": standard_schema::STANDARD_SCHEMA.iter()
            .map(|a| standard_schema_type(p, a))
            .chain(p.settings.custom_attributes.iter().map(custom_schema))
            .collect::<Vec<_>>(),
        "AutoVerifiedAttributes": p.settings.auto_verified_attributes.0,
        "AliasAttributes": p.settings.alias_attributes,
        "LambdaConfig": {},
        "MfaConfiguration": "OFF",
        "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"},
        "DeletionProtection": "INACTIVE",
        "EstimatedNumberOfUsers": users,
        "AdminCreateUserConfig": {"InviteMessageTemplate": {
            "EmailMessage": p.settings.messages.invitation_message,
            "EmailSubject": p.settings.messages.invitation_subject,
        }},
    });
    if !p.settings.account_recovery.is_empty() {
        let mechanisms: Vec<Value> = p
            .settings
            .account_recovery
            .iter()
            .map(|o| json!({"Priority": o.priority, "Name": o.name.as_str()}))
            .collect();
        super::set(
            &mut v,
            "AccountRecoverySetting",
            json!({ "RecoveryMechanisms": mechanisms }),
        );
    }
    if let Some(m) = &p.settings.sms_verification_message {
        super::set(&mut v, "SmsVerificationMessage", json!(m));
    }
    v
}

pub(crate) fn settings_from(input: &Value) -> Result<PoolSettings, CognitoError> {
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
    Ok(s)
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
fn custom_attribute(a: &Value, name: &str) -> Result<CustomAttribute, CognitoError> {
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

/// A standard attribute as DescribeUserPool lists it, with the pool's Required and Mutable.
fn standard_schema_type(p: &UserPool, a: &standard_schema::StandardAttribute) -> Value {
    let required = a.name == "sub" || p.settings.required_attributes.iter().any(|r| r == a.name);
    let mutable = a.mutable && !p.settings.immutable_attributes.iter().any(|r| r == a.name);
    let mut v = json!({"Name": a.name, "AttributeDataType": a.data_type.as_str(),
        "DeveloperOnlyAttribute": false, "Mutable": mutable, "Required": required});
    if let Some((lo, hi)) = a.length {
        super::set(
            &mut v,
            "StringAttributeConstraints",
            json!({"MinLength": lo.to_string(), "MaxLength": hi.to_string()}),
        );
    } else if a.data_type == DataType::String {
        super::set(&mut v, "StringAttributeConstraints", json!({}));
    }
    if let Some(min) = a.min_value {
        super::set(
            &mut v,
            "NumberAttributeConstraints",
            json!({"MinValue": min.to_string()}),
        );
    }
    v
}

/// A custom attribute as DescribeUserPool echoes it.
fn custom_schema(a: &CustomAttribute) -> Value {
    let mut v = json!({"Name": a.full_name(), "AttributeDataType": a.data_type.as_str(),
        "DeveloperOnlyAttribute": a.developer_only, "Mutable": a.mutable, "Required": false});
    if a.data_type == DataType::String {
        let mut c = json!({});
        if let Some(n) = a.min_length {
            super::set(&mut c, "MinLength", json!(n.to_string()));
        }
        if let Some(n) = a.max_length {
            super::set(&mut c, "MaxLength", json!(n.to_string()));
        }
        super::set(&mut v, "StringAttributeConstraints", c);
    }
    if a.data_type == DataType::Number {
        let mut c = json!({});
        if let Some(n) = a.min_value {
            super::set(&mut c, "MinValue", json!(n.to_string()));
        }
        if let Some(n) = a.max_value {
            super::set(&mut c, "MaxValue", json!(n.to_string()));
        }
        super::set(&mut v, "NumberAttributeConstraints", c);
    }
    v
}

pub(crate) async fn create(c: &Call<'_>) -> Result<Value, CognitoError> {
    if c.key.as_ref().is_some_and(|k| !k.is_global()) {
        return Err(CognitoError::access_denied(
            "user pools (this key is scoped to some pools)",
        ));
    }
    let name = c.string("PoolName")?;
    let settings = settings_from(&c.input)?;
    let pool =
        c.s.app
            .create_pool(c.s.config.region(), name, settings)
            .await
            .map_err(|e| CognitoError::from_core(e, None))?;
    Ok(json!({"UserPool": pool_type(c, &pool, 0)}))
}

/// AddCustomAttributes: `CustomAttributes` are all custom (a standard name becomes
/// `custom:` + that name, as in Cognito).
pub(crate) async fn add_custom_attributes(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let list = c
        .input
        .get("CustomAttributes")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| {
            CognitoError::invalid_parameter("CustomAttributes must list at least one attribute")
        })?;
    let added = list
        .iter()
        .map(|a| custom_attribute(a, a.get("Name").and_then(Value::as_str).unwrap_or("")))
        .collect::<Result<Vec<_>, _>>()?;
    c.s.app
        .add_custom_attributes(pool.id.as_str(), added)
        .await
        .map_err(c.core(Some(pool.id.as_str())))?;
    Ok(json!({}))
}

pub(crate) async fn describe(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    let users = c.s.app.count_users(&pool.id).await.map_err(c.core(None))?;
    Ok(json!({"UserPool": pool_type(c, &pool, users)}))
}

pub(crate) async fn delete(c: &Call<'_>) -> Result<Value, CognitoError> {
    let pool = c.pool().await?;
    c.s.app
        .delete_pool(pool.id.as_str())
        .await
        .map_err(|e| CognitoError::from_core(e, Some(pool.id.as_str())))?;
    Ok(json!({}))
}

/// Pools this key may see, by creation order (`MaxResults` 1-60, required).
pub(crate) async fn list(c: &Call<'_>) -> Result<Value, CognitoError> {
    let paging = Paging {
        required: true,
        ..MAX_RESULTS_60
    };
    let ask = paging.ask(c)?;
    let pools: Vec<UserPool> =
        c.s.app
            .list_pools()
            .await
            .map_err(|e| CognitoError::from_core(e, None))?
            .into_iter()
            .filter(|p| c.key.as_ref().is_none_or(|k| k.allows(&p.id)))
            .collect();
    Ok(paging.answer(
        &ask,
        pools,
        |p| by_creation(p.created_at, p.id.as_str()),
        |p| json!({"Id": p.id.as_str(), "Name": p.name, "CreationDate": p.created_at, "LastModifiedDate": p.updated_at}),
        "UserPools",
    ))
}
