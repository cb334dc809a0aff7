//! Randomness from the operating system: ids nobody can guess (session tokens, payment
//! and event ids) and picks that must differ between callers (a stock lot).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `bytes` random bytes, URL-safe base64 (no padding).
pub fn id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// `count` random bytes (nonces).
pub fn bytes(count: usize) -> Vec<u8> {
    let mut buf = vec![0u8; count];
    OsRng.fill_bytes(&mut buf);
    buf
}

/// A random number below `bound` (0 when `bound` is 0).
pub fn below(bound: usize) -> usize {
    let bound = u64::try_from(bound).unwrap_or(u64::MAX);
    if bound == 0 {
        return 0;
    }
    usize::try_from(OsRng.next_u64() % bound).unwrap_or(0)
}
