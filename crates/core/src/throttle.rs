//! When failed sign-ins stop being heard, Cognito's way: a user (an account name, whether or
//! not it exists, so the answers do not tell) has five free failures; after that each new
//! failure locks the name for a wait that doubles from 1 s up to 15 minutes, counted from the
//! latest failure. Attempts during a lockout are refused without being counted, and a right
//! password clears the count.
//!
//! A client address has a larger allowance; once it is spent, the address is refused only
//! for names that already failed, so one noisy address (a proxy many users share) never
//! blocks somebody else's first attempts.

use crate::clock::UnixTime;

/// Failures a name may have before lockouts start.
pub const FREE_FAILURES: u32 = 5;
/// The longest lockout.
pub const MAX_LOCKOUT_SECS: i64 = 15 * 60;
/// Failures of a name are forgotten this long after the latest one.
pub const NAME_MEMORY_SECS: i64 = 60 * 60;
/// Failures an address may have within [`ADDRESS_WINDOW_SECS`] before it is refused for
/// names that failed before.
pub const ADDRESS_FAILURE_LIMIT: u32 = 50;
pub const ADDRESS_WINDOW_SECS: i64 = 15 * 60;

/// The failures remembered under one throttle key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    /// When the latest failure happened (0 when there is none).
    pub last: UnixTime,
}

/// How long a name with these failures must wait after its latest one: nothing for the
/// first four, 1 s after the fifth, then 2 s, 4 s, … up to 15 minutes.
pub fn lockout_secs(count: u32) -> i64 {
    match count.checked_sub(FREE_FAILURES) {
        None => 0,
        Some(extra) => 1i64
            .checked_shl(extra)
            .filter(|w| *w > 0)
            .map_or(MAX_LOCKOUT_SECS, |w| w.min(MAX_LOCKOUT_SECS)),
    }
}

/// Why an attempt is not even checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The name is locked out for a while.
    NameLocked,
    /// The address spent its allowance, and this name already failed.
    AddressSpent,
}

/// Whether an attempt for a name with `name` failures, from an address with `address`
/// failures in its window, may be checked at `now`.
pub fn decide(name: Failures, address: Failures, now: UnixTime) -> Result<(), Refusal> {
    if name.count > 0 && now < name.last + lockout_secs(name.count) {
        return Err(Refusal::NameLocked);
    }
    if address.count >= ADDRESS_FAILURE_LIMIT && name.count > 0 {
        return Err(Refusal::AddressSpent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(count: u32, last: UnixTime) -> Failures {
        Failures { count, last }
    }

    #[test]
    fn lockouts_double_from_one_second_to_fifteen_minutes() {
        let waits: Vec<i64> = (0..=16).map(lockout_secs).collect();
        assert_eq!(&waits[..8], &[0, 0, 0, 0, 0, 1, 2, 4]);
        assert_eq!(waits[10], 32);
        assert_eq!(waits[14], 512);
        assert_eq!(waits[15], 900, "capped");
        assert_eq!(lockout_secs(u32::MAX), MAX_LOCKOUT_SECS);
    }

    #[test]
    fn a_locked_name_waits_and_then_may_try_again() {
        let none = Failures::default();
        assert_eq!(decide(f(4, 100), none, 100), Ok(()), "four cost nothing");
        assert_eq!(decide(f(5, 100), none, 100), Err(Refusal::NameLocked));
        assert_eq!(decide(f(5, 100), none, 101), Ok(()));
        assert_eq!(decide(f(7, 100), none, 103), Err(Refusal::NameLocked));
        assert_eq!(decide(f(7, 100), none, 104), Ok(()));
        assert_eq!(decide(f(30, 100), none, 999), Err(Refusal::NameLocked));
        assert_eq!(decide(f(30, 100), none, 1000), Ok(()));
    }

    #[test]
    fn a_spent_address_never_blocks_a_name_that_has_not_failed() {
        let spent = f(ADDRESS_FAILURE_LIMIT, 100);
        assert_eq!(decide(Failures::default(), spent, 100), Ok(()));
        assert_eq!(decide(f(1, 50), spent, 100), Err(Refusal::AddressSpent));
        assert_eq!(
            decide(f(1, 50), f(ADDRESS_FAILURE_LIMIT - 1, 99), 100),
            Ok(())
        );
    }
}
