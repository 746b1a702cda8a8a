//! Ed25519 signing keys for documents that anyone must be able to check without us, even
//! offline: PDO certificates. The private keys live in a file outside the database
//! (`--signing-key-file`, default `<data-dir>/signing.key`), one per line:
//! `safar-signing v1 <kid> <base64 of the 32-byte seed>`. The first key signs; older keys
//! stay so their public halves are still published and the certificates they signed still
//! verify after a rotation.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::crypto::write_secret_file;
use super::ids::fill_random;

pub const ALG: &str = "Ed25519";

#[derive(Clone)]
pub struct SigningKeys {
    keys: Vec<(String, SigningKey)>,
}

impl std::fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKeys(active {})", self.active_kid())
    }
}

/// One published public key, as in `/.well-known/safar-keys.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicKey {
    /// The key id a signed token names.
    pub kid: String,
    /// Always `Ed25519`.
    pub alg: String,
    /// The 32-byte public key, base64url without padding (as a JWK's `x`).
    pub public_key: String,
}

/// The published key set.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeySet {
    pub keys: Vec<PublicKey>,
}

fn new_key() -> (String, SigningKey) {
    let mut seed = [0u8; 32];
    fill_random(&mut seed);
    let mut kid = [0u8; 6];
    fill_random(&mut kid);
    (hex::encode(kid), SigningKey::from_bytes(&seed))
}

impl SigningKeys {
    pub fn generate() -> Self {
        SigningKeys {
            keys: vec![new_key()],
        }
    }

    pub fn active_kid(&self) -> &str {
        self.keys.first().map_or("", |(kid, _)| kid.as_str())
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut keys = vec![];
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let [magic, version, kid, seed] = line.split_whitespace().collect::<Vec<_>>()[..]
            else {
                bail!(
                    "signing key file line {}: expected `safar-signing v1 KID KEY`",
                    n + 1
                );
            };
            if magic != "safar-signing" || version != "v1" {
                bail!("signing key file line {}: unknown format", n + 1);
            }
            let seed: [u8; 32] = B64
                .decode(seed)
                .ok()
                .and_then(|b| b.try_into().ok())
                .with_context(|| format!("signing key file line {}: a key has 32 bytes", n + 1))?;
            keys.push((kid.to_string(), SigningKey::from_bytes(&seed)));
        }
        if keys.is_empty() {
            bail!("the signing key file holds no key");
        }
        Ok(SigningKeys { keys })
    }

    pub fn to_file_text(&self) -> String {
        let lines: Vec<String> = self
            .keys
            .iter()
            .map(|(kid, key)| format!("safar-signing v1 {kid} {}", B64.encode(key.to_bytes())))
            .collect();
        format!(
            "# Safar certificate signing keys. Keep this file secret and back it up; the first\n\
             # key signs, the others stay so certificates they signed still verify.\n{}\n",
            lines.join("\n")
        )
    }

    /// A new signing key in front of the existing ones.
    pub fn rotated(&self) -> Self {
        let mut keys = vec![new_key()];
        keys.extend(self.keys.iter().cloned());
        SigningKeys { keys }
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the signing key file {}", path.display()))?;
        Self::parse(&text)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        write_secret_file(path, &self.to_file_text())
    }

    /// Loads the key file, creating it (and saying so) when it does not exist yet.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if path.exists() {
            return Self::load(path);
        }
        let keys = Self::generate();
        keys.save(path)?;
        tracing::warn!(path = %path.display(), "created a new certificate signing key file: back it up");
        eprintln!(
            "WARNING: created a new certificate signing key at {}. Back it up and keep it secret.",
            path.display()
        );
        Ok(keys)
    }

    /// Signs `message` with the active key: its id and the signature.
    pub fn sign(&self, message: &[u8]) -> (String, [u8; 64]) {
        match self.keys.first() {
            Some((kid, key)) => (kid.clone(), key.sign(message).to_bytes()),
            None => (String::new(), [0; 64]),
        }
    }

    pub fn key_set(&self) -> KeySet {
        KeySet {
            keys: self
                .keys
                .iter()
                .map(|(kid, key)| PublicKey {
                    kid: kid.clone(),
                    alg: ALG.into(),
                    public_key: B64URL.encode(key.verifying_key().to_bytes()),
                })
                .collect(),
        }
    }
}

/// Public keys by id, for checking signatures (no private key needed).
pub struct Verifiers(HashMap<String, VerifyingKey>);

impl Verifiers {
    /// Keys that do not parse are left out: a token naming them then fails as unknown.
    pub fn from_key_set(set: &KeySet) -> Self {
        let keys = set
            .keys
            .iter()
            .filter(|k| k.alg == ALG)
            .filter_map(|k| {
                let bytes: [u8; 32] = B64URL.decode(&k.public_key).ok()?.try_into().ok()?;
                Some((k.kid.clone(), VerifyingKey::from_bytes(&bytes).ok()?))
            })
            .collect();
        Verifiers(keys)
    }

    pub fn knows(&self, kid: &str) -> bool {
        self.0.contains_key(kid)
    }

    pub fn verify(&self, kid: &str, message: &[u8], signature: &[u8]) -> bool {
        let (Some(key), Ok(signature)) = (self.0.get(kid), Signature::from_slice(signature)) else {
            return false;
        };
        key.verify(message, &signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_with_the_published_key_only() {
        let keys = SigningKeys::generate();
        let (kid, sig) = keys.sign(b"certificate");
        let verifiers = Verifiers::from_key_set(&keys.key_set());
        assert!(verifiers.verify(&kid, b"certificate", &sig));
        assert!(!verifiers.verify(&kid, b"certificatf", &sig));
        assert!(!verifiers.verify("unknown", b"certificate", &sig));
        let other = Verifiers::from_key_set(&SigningKeys::generate().key_set());
        assert!(!other.verify(&kid, b"certificate", &sig));
    }

    #[test]
    fn rotation_keeps_old_signatures_verifiable_and_files_round_trip() {
        let keys = SigningKeys::generate();
        let (old_kid, old_sig) = keys.sign(b"x");
        let rotated = SigningKeys::parse(&keys.rotated().to_file_text())
            .unwrap_or_else(|_| SigningKeys::generate());
        assert_ne!(rotated.active_kid(), old_kid);
        assert_eq!(rotated.key_set().keys.len(), 2);
        assert!(Verifiers::from_key_set(&rotated.key_set()).verify(&old_kid, b"x", &old_sig));
        assert!(SigningKeys::parse("").is_err());
        assert!(SigningKeys::parse("safar-signing v1 k AAAA").is_err());
    }
}
