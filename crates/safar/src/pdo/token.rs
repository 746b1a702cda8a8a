//! The compact signed token a certificate's QR code carries, checkable offline with the
//! published keys: `SC1.<payload>.<signature>`, both parts base64url without padding. The
//! payload is the JSON of `Claims` (the certificate's minimal fields and the key id); the
//! Ed25519 signature covers exactly the payload bytes, so any verifier (a phone app, a
//! consulate's script) needs no canonicalisation, only base64url and Ed25519.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use serde::{Deserialize, Serialize};

use crate::platform::signing::{SigningKeys, Verifiers};

pub const PREFIX: &str = "SC1";
/// Longer text is not a token (and is refused before any decoding).
const MAX_TOKEN: usize = 2048;

/// What the token proves: who holds which certificate, for where, from when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The signing key's id (from `/.well-known/safar-keys.json`).
    pub kid: String,
    /// The certificate id.
    pub id: String,
    /// The holder's name in Latin script.
    pub name: String,
    /// Destination, ISO 3166-1 alpha-2.
    pub dest: String,
    /// Curriculum and version, e.g. `GB v2`.
    pub curriculum: String,
    /// First and last day of the training, and the issue date (YYYY-MM-DD).
    pub from: String,
    pub to: String,
    pub issued: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("this is not a Safar certificate token")]
    Malformed,
    #[error("the token names a signing key that is not published")]
    UnknownKey,
    #[error("the signature does not match: the token was altered or forged")]
    BadSignature,
}

/// Signs the claims with the active key (whose id replaces `claims.kid`).
pub fn sign(keys: &SigningKeys, claims: &Claims) -> String {
    let claims = Claims {
        kid: keys.active_kid().to_string(),
        ..claims.clone()
    };
    let payload = serde_json::to_vec(&claims).unwrap_or_default();
    let (_, signature) = keys.sign(&payload);
    format!(
        "{PREFIX}.{}.{}",
        B64URL.encode(&payload),
        B64URL.encode(signature)
    )
}

/// The token inside what a QR code or a person gave: the verification address with
/// `?t=TOKEN` (or `#TOKEN`), or the bare token.
pub fn extract(text: &str) -> &str {
    let text = text.trim();
    let after = text
        .rsplit_once("t=")
        .map(|(_, t)| t)
        .or_else(|| text.rsplit_once('#').map(|(_, t)| t))
        .unwrap_or(text);
    after.split('&').next().unwrap_or(after)
}

/// Decodes the claims without checking the signature (to say which certificate a
/// tampered token pretends to be). Never trust them without `verify`.
pub fn peek(token: &str) -> Result<(Claims, Vec<u8>, Vec<u8>), TokenError> {
    let token = extract(token);
    if token.len() > MAX_TOKEN {
        return Err(TokenError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(PREFIX), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let payload = B64URL.decode(payload).map_err(|_| TokenError::Malformed)?;
    let signature = B64URL
        .decode(signature)
        .map_err(|_| TokenError::Malformed)?;
    let claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)?;
    Ok((claims, payload, signature))
}

/// Checks the token's signature with the published keys and returns its claims.
pub fn verify(verifiers: &Verifiers, token: &str) -> Result<Claims, TokenError> {
    let (claims, payload, signature) = peek(token)?;
    if !verifiers.knows(&claims.kid) {
        return Err(TokenError::UnknownKey);
    }
    if !verifiers.verify(&claims.kid, &payload, &signature) {
        return Err(TokenError::BadSignature);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            kid: String::new(),
            id: "C-7KQ2M9XW4R8TZP3H".into(),
            name: "Dilnoza Karimova".into(),
            dest: "GB".into(),
            curriculum: "GB v1".into(),
            from: "2026-11-02".into(),
            to: "2026-11-02".into(),
            issued: "2026-11-03".into(),
        }
    }

    #[test]
    fn a_signed_token_verifies_and_carries_its_claims() {
        let keys = SigningKeys::generate();
        let token = sign(&keys, &claims());
        let verifiers = Verifiers::from_key_set(&keys.key_set());
        let got = verify(&verifiers, &token).map(|c| c.name);
        assert_eq!(got.as_deref(), Ok("Dilnoza Karimova"));
        let url = format!("https://safar.example/verify?t={token}");
        assert!(verify(&verifiers, &url).is_ok(), "the QR's address form");
    }

    #[test]
    fn tampering_and_unknown_keys_are_refused() {
        let keys = SigningKeys::generate();
        let token = sign(&keys, &claims());
        let verifiers = Verifiers::from_key_set(&keys.key_set());
        let Ok((mut forged, _, signature)) = peek(&token) else {
            panic!("a fresh token decodes");
        };
        forged.name = "Someone Else".into();
        let forged = format!(
            "{PREFIX}.{}.{}",
            B64URL.encode(serde_json::to_vec(&forged).unwrap_or_default()),
            B64URL.encode(&signature)
        );
        assert_eq!(verify(&verifiers, &forged), Err(TokenError::BadSignature));
        let strangers = Verifiers::from_key_set(&SigningKeys::generate().key_set());
        assert_eq!(verify(&strangers, &token), Err(TokenError::UnknownKey));
        for junk in ["", "SC1", "SC1..", "SC2.a.b", "SC1.!!.b", &"A".repeat(5000)] {
            assert_eq!(
                verify(&verifiers, junk),
                Err(TokenError::Malformed),
                "{junk}"
            );
        }
    }
}
