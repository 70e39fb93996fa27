//! Request parameters as pairs, parsed once at the edge. RFC 6749 §3.1: a parameter must
//! not appear more than once, so a duplicate is an error rather than a first- or last-wins.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    map: BTreeMap<String, String>,
}

impl Params {
    /// Fails with the name of the first repeated parameter. Empty values count as absent
    /// (RFC 6749 §3.1: "parameters sent without a value MUST be treated as if they were
    /// omitted").
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            let (k, v) = (k.into(), v.into());
            if v.is_empty() {
                continue;
            }
            if map.insert(k.clone(), v).is_some() {
                return Err(k);
            }
        }
        Ok(Params { map })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_and_empty_values_ignored() {
        let p = Params::from_pairs([("a", "1"), ("b", ""), ("c", "3")]).unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(
            Params::from_pairs([("a", "1"), ("a", "2")]),
            Err("a".to_string())
        );
        assert_eq!(
            Params::from_pairs([("a", "1"), ("a", "1")]),
            Err("a".to_string())
        );
    }
}
