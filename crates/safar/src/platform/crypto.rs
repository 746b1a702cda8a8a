//! Field encryption for sensitive personal data (passport numbers and the like).
//!
//! Values are sealed with XChaCha20-Poly1305 under a data key that lives in a file outside
//! the database (`--data-key-file`). The associated data binds a ciphertext to its table,
//! column and row, so a sealed value copied to another row does not open. Exact lookups use
//! a keyed blind index (HMAC-SHA-256 of the normalised value), never the plaintext.
//!
//! The key file holds one key per line, `safar-key v1 <id> <base64 of 64 bytes>` (32 for
//! encryption, 32 for the index); the first line is the active key, later lines are older
//! keys kept so values sealed under them still open. `safar keys rotate` puts a new key first
//! and re-seals every value.

use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::ids::fill_random;

#[derive(Clone)]
struct DataKey {
    id: String,
    seal: [u8; 32],
    index: [u8; 32],
}

/// The data keys: the active one first.
#[derive(Clone)]
pub struct DataKeys {
    keys: Vec<DataKey>,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKeys(active {})", self.active_id())
    }
}

/// Where a sealed value lives: binds the ciphertext to it.
pub struct Place<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row_id: &'a str,
}

impl Place<'_> {
    fn aad(&self) -> Vec<u8> {
        format!("{}\u{1f}{}\u{1f}{}", self.table, self.column, self.row_id).into_bytes()
    }
}

fn new_key() -> DataKey {
    let mut bytes = [0u8; 64];
    fill_random(&mut bytes);
    let mut id_bytes = [0u8; 6];
    fill_random(&mut id_bytes);
    key_from(hex::encode(id_bytes), &bytes)
}

fn key_from(id: String, bytes: &[u8]) -> DataKey {
    let mut seal = [0u8; 32];
    let mut index = [0u8; 32];
    seal.copy_from_slice(&bytes[..32]);
    index.copy_from_slice(&bytes[32..64]);
    DataKey { id, seal, index }
}

fn key_line(key: &DataKey) -> String {
    let mut bytes = key.seal.to_vec();
    bytes.extend_from_slice(&key.index);
    format!("safar-key v1 {} {}", key.id, B64.encode(bytes))
}

impl DataKeys {
    /// A fresh set with one key (tests, and `keys init`).
    pub fn generate() -> Self {
        DataKeys {
            keys: vec![new_key()],
        }
    }

    pub fn active_id(&self) -> &str {
        self.keys.first().map_or("", |k| k.id.as_str())
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut keys = vec![];
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let [magic, version, id, material] = parts[..] else {
                bail!(
                    "data key file line {}: expected `safar-key v1 ID KEY`",
                    n + 1
                );
            };
            if magic != "safar-key" || version != "v1" {
                bail!("data key file line {}: unknown format", n + 1);
            }
            let bytes = B64
                .decode(material)
                .with_context(|| format!("data key file line {}", n + 1))?;
            if bytes.len() != 64 {
                bail!("data key file line {}: a key has 64 bytes", n + 1);
            }
            keys.push(key_from(id.to_string(), &bytes));
        }
        if keys.is_empty() {
            bail!("the data key file holds no key");
        }
        Ok(DataKeys { keys })
    }

    pub fn to_file_text(&self) -> String {
        let lines: Vec<String> = self.keys.iter().map(key_line).collect();
        format!(
            "# Safar data keys. Keep this file secret and BACK IT UP: without it, encrypted\n\
             # personal data (passport numbers) cannot be read. The first key is active.\n{}\n",
            lines.join("\n")
        )
    }

    /// A new active key in front of the existing ones (which stay, to open old values).
    pub fn rotated(&self) -> Self {
        let mut keys = vec![new_key()];
        keys.extend(self.keys.iter().cloned());
        DataKeys { keys }
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the data key file {}", path.display()))?;
        Self::parse(&text)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        write_secret_file(path, &self.to_file_text())
    }

    /// Loads the key file, creating it (and saying so loudly) when it does not exist yet.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if path.exists() {
            return Self::load(path);
        }
        let keys = Self::generate();
        keys.save(path)?;
        tracing::warn!(path = %path.display(), "created a new data key file: BACK IT UP NOW — without it encrypted personal data is lost");
        eprintln!(
            "WARNING: created a new data key at {}. Back this file up now and keep it secret: \
             without it, encrypted personal data cannot be read.",
            path.display()
        );
        Ok(keys)
    }

    /// Seals `plaintext` for `place` under the active key: `v1:<key id>:<base64 nonce+ciphertext>`.
    pub fn seal(&self, place: &Place<'_>, plaintext: &str) -> String {
        let Some(key) = self.keys.first() else {
            return String::new();
        };
        let cipher = XChaCha20Poly1305::new(&key.seal.into());
        let mut nonce = [0u8; 24];
        fill_random(&mut nonce);
        let aad = place.aad();
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        format!("v1:{}:{}", key.id, B64.encode(blob))
    }

    /// Opens a sealed value; `None` if it was tampered with, moved, or its key is gone.
    pub fn open(&self, place: &Place<'_>, sealed: &str) -> Option<String> {
        let mut parts = sealed.splitn(3, ':');
        let (Some("v1"), Some(id), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        let key = self.keys.iter().find(|k| k.id == id)?;
        let blob = B64.decode(data).ok()?;
        if blob.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = blob.split_at(24);
        let cipher = XChaCha20Poly1305::new(&key.seal.into());
        let aad = place.aad();
        let nonce: [u8; 24] = nonce.try_into().ok()?;
        let plain = cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// Which key sealed a value (for rotation).
    pub fn sealed_with(sealed: &str) -> Option<&str> {
        sealed.strip_prefix("v1:")?.split(':').next()
    }

    /// The blind index of a normalised value under the active key, for exact lookups.
    pub fn blind_index(&self, kind: &str, normalised: &str) -> String {
        let Some(key) = self.keys.first() else {
            return String::new();
        };
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&key.index) else {
            return String::new();
        };
        mac.update(kind.as_bytes());
        mac.update(b"\x1f");
        mac.update(normalised.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Writes a key file readable by its owner only (via a temporary file, then rename).
pub fn write_secret_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("key.tmp");
    std::fs::write(&tmp, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACE: Place<'static> = Place {
        table: "persons",
        column: "passport",
        row_id: "p1",
    };

    #[test]
    fn sealed_values_open_only_in_their_place_and_hide_the_plaintext() {
        let keys = DataKeys::generate();
        let sealed = keys.seal(&PLACE, "AB1234567");
        assert!(!sealed.contains("AB1234567"));
        assert_ne!(sealed, keys.seal(&PLACE, "AB1234567"), "random nonce");
        assert_eq!(keys.open(&PLACE, &sealed).as_deref(), Some("AB1234567"));
        let elsewhere = Place {
            row_id: "p2",
            ..PLACE
        };
        assert_eq!(keys.open(&elsewhere, &sealed), None, "moved to another row");
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('A');
        assert_eq!(keys.open(&PLACE, &tampered), None);
        assert_eq!(
            DataKeys::generate().open(&PLACE, &sealed),
            None,
            "another key"
        );
    }

    #[test]
    fn rotation_keeps_old_values_readable_and_changes_the_index() {
        let keys = DataKeys::generate();
        let old = keys.seal(&PLACE, "AA0000001");
        let rotated = DataKeys::parse(&keys.rotated().to_file_text())
            .unwrap_or_else(|_| DataKeys::generate());
        assert_eq!(rotated.open(&PLACE, &old).as_deref(), Some("AA0000001"));
        assert_ne!(rotated.active_id(), keys.active_id());
        assert_eq!(
            DataKeys::sealed_with(&rotated.seal(&PLACE, "x")),
            Some(rotated.active_id())
        );
        assert_ne!(
            keys.blind_index("passport", "AA0000001"),
            rotated.blind_index("passport", "AA0000001")
        );
        assert_eq!(
            keys.blind_index("passport", "AA0000001"),
            keys.blind_index("passport", "AA0000001")
        );
    }

    #[test]
    fn key_files_round_trip_and_junk_is_refused() {
        let keys = DataKeys::generate();
        let parsed = DataKeys::parse(&keys.to_file_text()).map(|k| k.active_id().to_string());
        assert_eq!(parsed.ok().as_deref(), Some(keys.active_id()));
        assert!(DataKeys::parse("").is_err());
        assert!(DataKeys::parse("safar-key v1 id notbase64!").is_err());
        assert!(DataKeys::parse("something else").is_err());
    }
}
