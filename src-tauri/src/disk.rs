//! Files the app keeps in its data dir, replaced whole and synced, so that a crash
//! leaves the old content or the new, never half of either.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a synced temporary file and a rename.
pub fn replace_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = path.with_extension("tmp");
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}
