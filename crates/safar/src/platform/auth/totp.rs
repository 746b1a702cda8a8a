//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of
//! clock drift either way) for staff accounts. A step is accepted at most once per user.

use totp_rs::{Builder, Secret, Totp};

use crate::platform::ids::fill_random;

pub const ISSUER: &str = "Safar";

/// A fresh 160-bit secret, base32-encoded as authenticator apps expect.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    fill_random(&mut bytes);
    Secret::from(bytes).to_base32()
}

fn totp(secret_b32: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    Builder::new().with_secret(secret).with_skew(1).build().ok()
}

/// The time step the code belongs to, when it is valid at `now_ms` and newer than `last_step`.
pub fn verify(secret_b32: &str, code: &str, now_ms: i64, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let now = u64::try_from(now_ms / 1000).ok()?;
    let step = i64::try_from(totp(secret_b32)?.check(&code, now)?).ok()?;
    match last_step {
        Some(last) if step <= last => None,
        _ => Some(step),
    }
}

/// The current code (tests and the enrolment self-check use it).
pub fn current_code(secret_b32: &str, now_ms: i64) -> Option<String> {
    Some(
        totp(secret_b32)?
            .generate(u64::try_from(now_ms / 1000).ok()?)
            .to_string(),
    )
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(secret_b32: &str, account: &str) -> String {
    let label = super::super::web::routes::url_encode(&format!("{ISSUER}:{account}"));
    format!(
        "otpauth://totp/{label}?secret={secret_b32}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30"
    )
}

/// The QR code of `uri` as an SVG image (rendered inline; no external request).
pub fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build()
            // Inline in HTML: drop the XML declaration, keep the <svg> element.
            .split_once("<svg")
            .map(|(_, svg)| format!("<svg{svg}"))
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_verify_once_and_only_in_their_window() {
        let secret = new_secret();
        let now = 1_800_000_000_000;
        let code = current_code(&secret, now).unwrap_or_default();
        let step = verify(&secret, &code, now, None).expect("valid now");
        assert_eq!(
            verify(&secret, &code, now, Some(step)),
            None,
            "replay refused"
        );
        assert!(
            verify(&secret, &code, now + 30_000, None).is_some(),
            "one step of drift allowed"
        );
        assert_eq!(
            verify(&secret, &code, now + 120_000, None),
            None,
            "too late"
        );
        assert_eq!(verify(&secret, "12345", now, None), None);
        assert_eq!(verify(&secret, "abcdef", now, None), None);
        assert_eq!(verify("not base32!", &code, now, None), None);
    }

    #[test]
    fn enrolment_address_names_the_issuer_and_account() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "op@agency.uz");
        assert!(uri.starts_with(
            "otpauth://totp/Safar%3Aop%40agency.uz?secret=JBSWY3DPEHPK3PXP&issuer=Safar"
        ));
        assert!(qr_svg(&uri).starts_with("<svg"));
    }
}
