//! The event every hook receives, in the shape Cognito gives a Lambda:
//! `{version, triggerSource, region, userPoolId, userName, callerContext, request, response}`.
//! The hook answers with the same event, `response` filled in; only `response` is read.

use super::{HookError, Trigger};
use crate::Result;
use serde_json::{Map, Value, json};

/// Who and where: the parts of the envelope that are not the trigger's own.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    pub region: &'a str,
    pub pool_id: &'a str,
    /// The user's name; absent where Cognito sends none (client_credentials).
    pub user_name: Option<&'a str>,
    /// The app client the flow runs for; absent for administrators' calls without one.
    pub client_id: Option<&'a str>,
}

/// What the SDK field says: Portcullis is not an AWS SDK, and Cognito sends this value when
/// it cannot tell either.
const SDK_VERSION: &str = "aws-sdk-unknown-unknown";

/// The event for `trigger_source` (for example `PreSignUp_SignUp`).
pub fn event(
    env: Envelope<'_>,
    version: &str,
    trigger_source: &str,
    request: Value,
    response: Value,
) -> Value {
    let mut e = json!({
        "version": version,
        "triggerSource": trigger_source,
        "region": env.region,
        "userPoolId": env.pool_id,
        "callerContext": {
            "awsSdkVersion": SDK_VERSION,
            "clientId": env.client_id.unwrap_or("CLIENT_ID_NOT_APPLICABLE"),
        },
        "request": request,
        "response": response,
    });
    if let (Some(o), Some(u)) = (e.as_object_mut(), env.user_name) {
        o.insert("userName".into(), json!(u));
    }
    e
}

/// The `response` object of a hook's answer. An answer without one, or whose `response`
/// is `null`, counts as an empty response (a Lambda that returns the event untouched).
pub fn response_of(trigger: Trigger, answer: &Value) -> Result<Map<String, Value>> {
    let Some(o) = answer.as_object() else {
        return Err(HookError::invalid(
            trigger,
            "the answer is not a JSON object",
        ));
    };
    match o.get("response") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(r)) => Ok(r.clone()),
        Some(_) => Err(HookError::invalid(trigger, "response is not an object")),
    }
}

/// `clientMetadata` as Cognito sends it: a map of strings (empty when the caller gave none).
pub fn client_metadata(given: Option<&Map<String, Value>>) -> Value {
    Value::Object(given.cloned().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_has_cognitos_members() {
        let env = Envelope {
            region: "us-east-1",
            pool_id: "us-east-1_abc",
            user_name: Some("alice"),
            client_id: Some("c1"),
        };
        let e = event(env, "1", "PreSignUp_SignUp", json!({"a": 1}), json!({}));
        assert_eq!(e["triggerSource"], "PreSignUp_SignUp");
        assert_eq!(e["userName"], "alice");
        assert_eq!(e["callerContext"]["clientId"], "c1");
        assert_eq!(e["request"]["a"], 1);
        let machine = Envelope {
            user_name: None,
            ..env
        };
        assert!(
            event(machine, "3", "x", json!({}), json!({}))
                .get("userName")
                .is_none()
        );
    }

    #[test]
    fn answers_are_read_for_their_response() {
        let t = Trigger::PreSignUp;
        assert!(response_of(t, &json!({"response": {"x": 1}})).unwrap()["x"] == 1);
        assert!(response_of(t, &json!({})).unwrap().is_empty());
        assert!(response_of(t, &json!("nope")).is_err());
        assert!(response_of(t, &json!({"response": 3})).is_err());
    }
}
