//! A pool's password policy (Cognito's `PasswordPolicy`) and the check against it.
//! Messages say which rule failed: they are shown to the person choosing the password.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    /// How long an admin-set temporary password stays usable.
    pub temporary_password_validity_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

/// Cognito's symbol set for `RequireSymbols`.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

impl PasswordPolicy {
    /// A random temporary password that satisfies this policy (at least 12 characters,
    /// one of each class), for invitations and admin-created users.
    pub fn generate_temporary(&self) -> String {
        use rand::RngExt;
        use rand::seq::SliceRandom;
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const DIGITS: &[u8] = b"23456789";
        const SYMS: &[u8] = b"!#%+-=?@^_";
        let mut rng = rand::rng();
        let len = (self.minimum_length as usize).max(12);
        let mut pick = |set: &[u8]| {
            set.get(rng.random_range(0..set.len()))
                .map_or('x', |b| char::from(*b))
        };
        let mut chars = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMS)];
        let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMS].concat();
        while chars.len() < len {
            chars.push(pick(&all));
        }
        chars.shuffle(&mut rand::rng());
        chars.into_iter().collect()
    }

    /// Every rule the password breaks, in a fixed order; empty when it complies.
    pub fn violations(&self, password: &str) -> Vec<&'static str> {
        let mut out = Vec::new();
        if password.chars().count() < self.minimum_length as usize {
            out.push("Password not long enough");
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
            out.push("Password must have uppercase characters");
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
            out.push("Password must have lowercase characters");
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            out.push("Password must have numeric characters");
        }
        if self.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
            out.push("Password must have symbol characters");
        }
        out
    }

    pub fn check(&self, password: &str) -> crate::Result<()> {
        let v = self.violations(password);
        if v.is_empty() {
            Ok(())
        } else {
            Err(crate::Error::PolicyViolation(format!(
                "Password does not conform to policy: {}",
                v.join("; ")
            )))
        }
    }

    pub fn validate(&self) -> crate::Result<()> {
        if !(6..=99).contains(&self.minimum_length) {
            return Err(crate::Error::invalid(
                "password minimum length must be between 6 and 99",
            ));
        }
        if !(1..=365).contains(&self.temporary_password_validity_days) {
            return Err(crate::Error::invalid(
                "temporary password validity must be between 1 and 365 days",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_names_each_broken_rule() {
        let p = PasswordPolicy::default();
        assert!(p.violations("Str0ng-Passw0rd").is_empty());
        assert_eq!(
            p.violations("short"),
            vec![
                "Password not long enough",
                "Password must have uppercase characters",
                "Password must have numeric characters",
                "Password must have symbol characters"
            ]
        );
        let err = p.check("alllowercase1!").unwrap_err();
        assert!(err.to_string().contains("uppercase"));
    }

    #[test]
    fn generated_temporary_passwords_satisfy_the_policy() {
        let p = PasswordPolicy {
            minimum_length: 16,
            ..Default::default()
        };
        for _ in 0..50 {
            let pw = p.generate_temporary();
            assert_eq!(pw.len(), 16);
            assert!(p.violations(&pw).is_empty(), "{pw}");
        }
        assert_ne!(p.generate_temporary(), p.generate_temporary());
    }

    #[test]
    fn relaxed_policy_accepts_simple_passwords() {
        let p = PasswordPolicy {
            minimum_length: 6,
            require_uppercase: false,
            require_lowercase: false,
            require_numbers: false,
            require_symbols: false,
            ..Default::default()
        };
        assert!(p.check("abcdef").is_ok());
        assert!(p.check("abcde").is_err());
    }

    #[test]
    fn policy_bounds_are_validated() {
        let p = PasswordPolicy {
            minimum_length: 3,
            ..Default::default()
        };
        assert!(p.validate().is_err());
        assert!(PasswordPolicy::default().validate().is_ok());
    }
}
