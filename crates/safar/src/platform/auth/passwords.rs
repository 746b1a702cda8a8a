//! Passwords: argon2id (OWASP parameters), 8–128 characters, and never one of the
//! commonly used passwords shipped in `data/common-passwords.txt`.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../../../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooLong,
    Common,
}

impl Weakness {
    /// The message id explaining the problem to the person.
    pub fn message(self) -> &'static str {
        match self {
            Weakness::TooShort => "err-password-short",
            Weakness::TooLong => "err-password-long",
            Weakness::Common => "err-password-common",
        }
    }
}

pub fn check_strength(password: &str) -> Result<(), Weakness> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(Weakness::TooShort);
    }
    if len > MAX_LEN {
        return Err(Weakness::TooLong);
    }
    if COMMON.contains(password.to_lowercase().as_str()) {
        return Err(Weakness::Common);
    }
    Ok(())
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

pub fn verify(password: &str, phc: &str) -> bool {
    if password.len() > MAX_LEN * 4 {
        return false;
    }
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the time of one verification, so an unknown account answers as slowly as a known one.
pub fn verify_dummy(password: &str) {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash("dummy password for timing").unwrap_or_default());
    let _ = verify(password, &DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert_eq!(check_strength("short"), Err(Weakness::TooShort));
        assert_eq!(check_strength(&"x".repeat(129)), Err(Weakness::TooLong));
        assert_eq!(check_strength("password1"), Err(Weakness::Common));
        assert_eq!(check_strength("Password1"), Err(Weakness::Common));
        assert_eq!(check_strength("qwertyuiop"), Err(Weakness::Common));
        assert_eq!(check_strength("ko‘k-tog‘-2026"), Ok(()));
        assert_eq!(check_strength(&"я".repeat(128)), Ok(()));
    }

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap_or_default();
        let b = hash("correct horse battery").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batter", &a));
        assert!(!verify("anything", "not a hash"));
    }
}
