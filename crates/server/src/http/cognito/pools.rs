//! User pool actions: CreateUserPool (with its `Schema`), DescribeUserPool, ListUserPools,
//! DeleteUserPool, AddCustomAttributes.

use super::Call;
use super::error::CognitoError;
use super::paging::{MAX_RESULTS_60, Paging, by_creation};
use portcullis_core::pool::UserPool;
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
        "LambdaConfig": super::lambda_config::lambda_config(&p.settings.hooks),
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
    let settings = super::pool_settings::settings_from(&c.input)?;
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
        .map(|a| {
            super::pool_settings::custom_attribute(
                a,
                a.get("Name").and_then(Value::as_str).unwrap_or(""),
            )
        })
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
