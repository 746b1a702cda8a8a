//! Identifiers and secrets: record ids are UUIDv7 text (time-ordered, portable);
//! secrets come from the operating system's random source.

use base64::Engine;
use sha2::{Digest, Sha256};

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// `n` random bytes, base64url without padding.
pub fn random_secret(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    fill_random(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn fill_random(buf: &mut [u8]) {
    // The OS random source failing means the machine cannot run safely at all.
    #[allow(clippy::expect_used)]
    getrandom::fill(buf).expect("operating system random source unavailable");
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A password a person can type from a printout: 4 groups of 5 letters and digits
/// without look-alikes (about 100 bits).
pub fn readable_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 20];
    fill_random(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}
