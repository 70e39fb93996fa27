//! `LambdaConfig` on the wire: Cognito's trigger keys, each naming the URL of a webhook
//! where Cognito names a Lambda ARN, and `PreTokenGenerationConfig` with the event
//! version. Keys Portcullis does not serve (custom senders, KMS) are refused by name.

use super::error::CognitoError;
use portcullis_core::hooks::{Hooks, PreTokenVersion, Trigger, check_target};
use serde_json::{Map, Value, json};

fn bad(m: &str) -> CognitoError {
    CognitoError::invalid_parameter(m)
}

fn url_of(key: &str, v: &Value) -> Result<String, CognitoError> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| bad(&format!("LambdaConfig.{key} must be a string")))
}

pub(crate) fn hooks_from(lc: &Value) -> Result<Hooks, CognitoError> {
    let Some(map) = lc.as_object() else {
        return Err(bad("LambdaConfig must be an object"));
    };
    let mut hooks = Hooks::default();
    let mut pre_token_config = None;
    for (key, v) in map {
        match key.as_str() {
            "PreTokenGenerationConfig" => pre_token_config = Some(v),
            // {LambdaVersion: V1_0, LambdaArn}: the only version there is.
            "InboundFederation" => {
                if v.get("LambdaVersion").and_then(Value::as_str) != Some("V1_0") {
                    return Err(bad("InboundFederation.LambdaVersion must be V1_0"));
                }
                let url = url_of(
                    "InboundFederation.LambdaArn",
                    v.get("LambdaArn").unwrap_or(&Value::Null),
                )?;
                check_target(Trigger::InboundFederation, &url).map_err(|e| bad(&e.to_string()))?;
                hooks.targets.insert(Trigger::InboundFederation, url);
            }
            "CustomSMSSender" | "CustomEmailSender" | "KMSKeyID" => {
                return Err(bad(&format!(
                    "LambdaConfig.{key} is not supported by Portcullis: messages are sent by \
                     the server (SMTP per pool) and shaped by the CustomMessage hook"
                )));
            }
            name => {
                let trigger = Trigger::parse(name).map_err(|e| bad(&e.to_string()))?;
                let url = url_of(name, v)?;
                check_target(trigger, &url).map_err(|e| bad(&e.to_string()))?;
                hooks.targets.insert(trigger, url);
            }
        }
    }
    if let Some(cfg) = pre_token_config {
        let version = cfg
            .get("LambdaVersion")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("PreTokenGenerationConfig.LambdaVersion is required"))?;
        hooks.pre_token_version =
            PreTokenVersion::parse(version).map_err(|e| bad(&e.to_string()))?;
        let url = url_of(
            "PreTokenGenerationConfig.LambdaArn",
            cfg.get("LambdaArn").unwrap_or(&Value::Null),
        )?;
        check_target(Trigger::PreTokenGeneration, &url).map_err(|e| bad(&e.to_string()))?;
        match hooks.targets.get(&Trigger::PreTokenGeneration) {
            Some(other) if *other != url => {
                return Err(bad(
                    "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must name the same URL",
                ));
            }
            _ => {
                hooks.targets.insert(Trigger::PreTokenGeneration, url);
            }
        }
    }
    Ok(hooks)
}

/// The pool's hooks as DescribeUserPool shows them.
pub(crate) fn lambda_config(hooks: &Hooks) -> Value {
    let mut out = Map::new();
    for (t, url) in &hooks.targets {
        let v = match t {
            Trigger::InboundFederation => json!({"LambdaVersion": "V1_0", "LambdaArn": url}),
            _ => json!(url),
        };
        out.insert(t.name().to_owned(), v);
    }
    if let Some(url) = hooks.target(Trigger::PreTokenGeneration) {
        out.insert(
            "PreTokenGenerationConfig".into(),
            json!({"LambdaVersion": hooks.pre_token_version.name(), "LambdaArn": url}),
        );
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_round_trips() {
        let mut given = Map::new();
        for t in Trigger::ALL {
            let url = format!("https://h.example/{t}");
            let v = match t {
                Trigger::InboundFederation => json!({"LambdaVersion": "V1_0", "LambdaArn": url}),
                _ => json!(url),
            };
            given.insert(t.name().into(), v);
        }
        given.insert(
            "PreTokenGenerationConfig".into(),
            json!({"LambdaVersion": "V2_0", "LambdaArn": "https://h.example/PreTokenGeneration"}),
        );
        let given = Value::Object(given);
        let hooks = hooks_from(&given).unwrap();
        assert_eq!(hooks.pre_token_version, PreTokenVersion::V2_0);
        assert_eq!(lambda_config(&hooks), given);
    }

    #[test]
    fn arns_and_unsupported_keys_are_refused_by_name() {
        let arn = json!({"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:f"});
        assert!(hooks_from(&arn).unwrap_err().message.contains("https://"));
        let sender = json!({"CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": "x"}});
        assert!(
            hooks_from(&sender)
                .unwrap_err()
                .message
                .contains("CustomEmailSender")
        );
        let clash = json!({"PreTokenGeneration": "https://a.example/x",
            "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": "https://b.example/x"}});
        assert!(hooks_from(&clash).is_err());
    }
}
