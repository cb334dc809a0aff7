//! This install's own name for itself: a random id made at its first launch and kept in
//! the app's data dir, sent in the User-Agent beside the app's version and platform. Two
//! installs of one version on one platform would otherwise look alike, and the server
//! tells devices apart by that name: a sign-in from one the account has no session on
//! asks the others "was this you?", and the list of sessions names each.

use std::path::Path;

/// The file in the app's data dir.
pub const FILE: &str = "device-id";

/// How an id looks: twelve lower-case hex digits (48 random bits).
fn valid(id: &str) -> bool {
    id.len() == 12
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn made() -> String {
    let mut bytes = [0u8; 6];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness from the OS: the clock still tells this install from most.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (byte, from) in bytes.iter_mut().zip(nanos.to_le_bytes()) {
            *byte = from;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The install's id, read from `data_dir`, or made there at the first launch.
pub fn id(data_dir: &Path) -> String {
    let path = data_dir.join(FILE);
    if let Ok(kept) = std::fs::read_to_string(&path)
        && valid(kept.trim())
    {
        return kept.trim().to_string();
    }
    let id = made();
    let kept = std::fs::create_dir_all(data_dir)
        .and_then(|()| crate::disk::replace_synced(&path, id.as_bytes()));
    if let Err(e) = kept {
        // Not kept: the next launch makes another, and looks like a new device once.
        tracing::warn!(error = %e, "cannot keep this install's device id");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_install_keeps_its_id_across_launches_and_another_has_its_own() {
        let one = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let other = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = id(one.path());
        assert!(valid(&first), "{first}");
        assert_eq!(id(one.path()), first);
        assert_ne!(id(other.path()), first);
    }
}
