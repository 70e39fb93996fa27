//! Printing results: pretty JSON with `--json`, else `field: value` lines for one object and
//! one line per item for lists.

use serde_json::Value;

pub struct Out {
    pub json: bool,
}

impl Out {
    pub fn object(&self, v: &Value) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
            return;
        }
        if let Value::Object(map) = v {
            for (k, val) in map {
                println!("{k}: {}", plain(val));
            }
        } else {
            println!("{}", plain(v));
        }
    }

    /// `columns` are the fields shown per line in text mode; JSON prints everything.
    pub fn list(&self, items: &[Value], columns: &[&str]) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(items).unwrap_or_default()
            );
            return;
        }
        if items.is_empty() {
            println!("(none)");
        }
        for item in items {
            let cells: Vec<String> = columns.iter().map(|c| plain(&item[*c])).collect();
            println!("{}", cells.join("\t"));
        }
    }

    pub fn done(&self, message: &str) {
        if self.json {
            println!("{}", serde_json::json!({"ok": true, "message": message}));
        } else {
            println!("{message}");
        }
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

/// Sets `key` of a JSON object built by `json!` (anything else is left alone).
pub fn set(v: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}
