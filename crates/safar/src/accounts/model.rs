//! Account rules without I/O: how people identify themselves, what a name may be.

use crate::platform::error::FieldError;

/// How a person signs in: an e-mail address or a phone number (stored in E.164).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginId {
    Email(String),
    Phone(String),
}

impl LoginId {
    /// Accepts an e-mail address (kept lower-case) or a phone number written as people
    /// write them in Uzbekistan: `+998 90 123 45 67`, `90 123 45 67`, `8 90 123 45 67`.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let input = input.trim();
        if input.contains('@') {
            return parse_email(input).map(LoginId::Email);
        }
        parse_phone(input).map(LoginId::Phone)
    }

    pub fn as_str(&self) -> &str {
        match self {
            LoginId::Email(s) | LoginId::Phone(s) => s,
        }
    }
}

pub fn parse_email(input: &str) -> Result<String, &'static str> {
    let email = input.trim().to_lowercase();
    let Some((local, domain)) = email.split_once('@') else {
        return Err("err-email");
    };
    let ok = email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"".contains(c));
    if ok { Ok(email) } else { Err("err-email") }
}

pub fn parse_phone(input: &str) -> Result<String, &'static str> {
    let international = input.starts_with('+');
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    let only_phone_chars = input
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !only_phone_chars {
        return Err("err-email-or-phone");
    }
    let e164 = match (international, digits.len()) {
        (true, 8..=15) => digits,
        (false, 12) if digits.starts_with("998") => digits,
        (false, 9) => format!("998{digits}"),
        (false, 10) if digits.starts_with('8') => format!("998{}", &digits[1..]),
        _ => return Err("err-email-or-phone"),
    };
    Ok(format!("+{e164}"))
}

/// A display name: 1–100 characters, no control characters.
pub fn parse_display_name(input: &str) -> Result<String, FieldError> {
    let name = input.trim();
    let error = |message| FieldError {
        field: "display_name",
        message,
    };
    if name.is_empty() {
        return Err(error("err-required"));
    }
    if name.chars().count() > 100 {
        return Err(error("err-too-long"));
    }
    if name.chars().any(char::is_control) {
        return Err(error("err-invalid-text"));
    }
    Ok(name.to_string())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_every_local_form_normalise_to_e164() {
        for input in [
            "+998 90 123 45 67",
            "90 123 45 67",
            "8 90 123 45 67",
            "998901234567",
            "(90) 123-45-67",
        ] {
            assert_eq!(
                LoginId::parse(input),
                Ok(LoginId::Phone("+998901234567".into())),
                "{input}"
            );
        }
        assert_eq!(
            LoginId::parse("+7 916 123 45 67"),
            Ok(LoginId::Phone("+79161234567".into()))
        );
        for bad in ["12345", "90 123 45 6x", "+1", "", "call me"] {
            assert!(LoginId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            LoginId::parse(" Operator@Demo.Example.org "),
            Ok(LoginId::Email("operator@demo.example.org".into()))
        );
        for bad in [
            "a@b",
            "@x.org",
            "a b@x.org",
            "a@x.org<script>",
            "a@@x.org",
            "a@.org",
        ] {
            assert_eq!(parse_email(bad), Err("err-email"), "{bad}");
        }
    }

    #[test]
    fn display_names() {
        assert_eq!(
            parse_display_name("  Oʻrinboyev Aziz "),
            Ok("Oʻrinboyev Aziz".into())
        );
        assert!(parse_display_name("").is_err());
        assert!(parse_display_name(&"a".repeat(101)).is_err());
        assert!(parse_display_name("a\u{0}b").is_err());
    }
}
