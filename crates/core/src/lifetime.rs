//! Token lifetimes as Cognito's app clients take them: a number and a unit for each token
//! (`AccessTokenValidity` with `TokenValidityUnits.AccessToken`, ...). They are kept in
//! seconds (`pool::TokenValidity`) with the units they were given in, so they read back as
//! they were written.

use crate::pool::TokenValidity;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "seconds" => TimeUnit::Seconds,
            "minutes" => TimeUnit::Minutes,
            "hours" => TimeUnit::Hours,
            "days" => TimeUnit::Days,
            other => {
                return Err(Error::invalid(format!(
                    "{other:?} is not a time unit: seconds, minutes, hours or days"
                )));
            }
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }
    pub fn secs(self) -> u64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Minutes => 60,
            TimeUnit::Hours => 3600,
            TimeUnit::Days => 86400,
        }
    }
}

/// The unit each lifetime was given in (Cognito's `TokenValidityUnits`); by default hours
/// for ID and access tokens, days for refresh tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenUnits {
    pub access: TimeUnit,
    pub id: TimeUnit,
    pub refresh: TimeUnit,
}

impl Default for TokenUnits {
    fn default() -> Self {
        TokenUnits {
            access: TimeUnit::Hours,
            id: TimeUnit::Hours,
            refresh: TimeUnit::Days,
        }
    }
}

/// One lifetime as given: a count of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    pub value: u64,
    pub unit: TimeUnit,
}

impl Lifetime {
    /// `60m`, `1h`, `3600s`, `30d`, or a bare number in `default_unit` (the CLI's form).
    pub fn parse(s: &str, default_unit: TimeUnit) -> Result<Self> {
        let s = s.trim();
        let (digits, unit) = match s.char_indices().last() {
            Some((i, 's')) => (s.get(..i), TimeUnit::Seconds),
            Some((i, 'm')) => (s.get(..i), TimeUnit::Minutes),
            Some((i, 'h')) => (s.get(..i), TimeUnit::Hours),
            Some((i, 'd')) => (s.get(..i), TimeUnit::Days),
            _ => (Some(s), default_unit),
        };
        let value = digits.and_then(|d| d.parse::<u64>().ok()).ok_or_else(|| {
            Error::invalid(format!(
                "{s:?} is not a lifetime: a number, optionally followed by s, m, h or d"
            ))
        })?;
        Ok(Lifetime { value, unit })
    }

    fn secs(self) -> Result<u32> {
        self.value
            .checked_mul(self.unit.secs())
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| Error::invalid("token validity is too large"))
    }
}

/// What a client asks for: any of the three lifetimes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LifetimeRequest {
    pub access: Option<Lifetime>,
    pub id: Option<Lifetime>,
    pub refresh: Option<Lifetime>,
}

impl LifetimeRequest {
    /// The client's lifetimes (`None` when none is given: the pool's apply), the missing
    /// ones taken from `defaults`, checked against Cognito's bounds (5 minutes to 1 day for
    /// ID and access tokens, 1 hour to 10 years for refresh tokens).
    pub fn resolve(self, defaults: TokenValidity) -> Result<Option<(TokenValidity, TokenUnits)>> {
        if self == LifetimeRequest::default() {
            return Ok(None);
        }
        let units = TokenUnits {
            access: self.access.map_or(TokenUnits::default().access, |l| l.unit),
            id: self.id.map_or(TokenUnits::default().id, |l| l.unit),
            refresh: self
                .refresh
                .map_or(TokenUnits::default().refresh, |l| l.unit),
        };
        let pick = |l: Option<Lifetime>, d: u32| l.map_or(Ok(d), Lifetime::secs);
        let tv = TokenValidity {
            access_token_secs: pick(self.access, defaults.access_token_secs)?,
            id_token_secs: pick(self.id, defaults.id_token_secs)?,
            refresh_token_secs: pick(self.refresh, defaults.refresh_token_secs)?,
        };
        tv.validate()?;
        Ok(Some((tv, units)))
    }
}

/// A lifetime in seconds, read in `unit` (rounded down when it was set in a finer unit).
pub fn in_unit(secs: u32, unit: TimeUnit) -> u64 {
    u64::from(secs) / unit.secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(value: u64, unit: TimeUnit) -> Option<Lifetime> {
        Some(Lifetime { value, unit })
    }

    #[test]
    fn lifetimes_resolve_with_the_pool_defaults_and_cognito_bounds() {
        let d = TokenValidity::default();
        assert_eq!(LifetimeRequest::default().resolve(d).unwrap(), None);
        let (tv, units) = LifetimeRequest {
            access: l(5, TimeUnit::Minutes),
            ..Default::default()
        }
        .resolve(d)
        .unwrap()
        .unwrap();
        assert_eq!(tv.access_token_secs, 300);
        assert_eq!(tv.id_token_secs, d.id_token_secs);
        assert_eq!(units.access, TimeUnit::Minutes);
        assert_eq!(in_unit(tv.access_token_secs, units.access), 5);
        let too_short = LifetimeRequest {
            access: l(4, TimeUnit::Minutes),
            ..Default::default()
        };
        assert!(too_short.resolve(d).is_err());
        let too_long = LifetimeRequest {
            id: l(2, TimeUnit::Days),
            ..Default::default()
        };
        assert!(too_long.resolve(d).is_err());
        let refresh = LifetimeRequest {
            refresh: l(59, TimeUnit::Minutes),
            ..Default::default()
        };
        assert!(refresh.resolve(d).is_err());
        let ten_years = LifetimeRequest {
            refresh: l(3650, TimeUnit::Days),
            ..Default::default()
        };
        assert!(ten_years.resolve(d).is_ok());
        let huge = LifetimeRequest {
            refresh: l(u64::MAX, TimeUnit::Days),
            ..Default::default()
        };
        assert!(huge.resolve(d).is_err());
    }

    #[test]
    fn the_cli_form_of_a_lifetime() {
        let p = |s| Lifetime::parse(s, TimeUnit::Hours);
        assert_eq!(p("60m").unwrap(), l(60, TimeUnit::Minutes).unwrap());
        assert_eq!(p("2").unwrap(), l(2, TimeUnit::Hours).unwrap());
        assert_eq!(p("30d").unwrap(), l(30, TimeUnit::Days).unwrap());
        assert_eq!(p("900s").unwrap(), l(900, TimeUnit::Seconds).unwrap());
        assert!(p("m").is_err());
        assert!(p("1w").is_err());
        assert!(p("-5m").is_err());
        assert!(TimeUnit::parse("weeks").is_err());
    }
}
