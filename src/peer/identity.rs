//! This database's peer identity: a Noise static key pair kept beside the database
//! in `<db>.peer-key`, created on first use, readable by its owner only.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::sync::{KeyPair, key_id};

/// Where a database's key lives.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".peer-key");
    db.with_file_name(name)
}

fn hex(bytes: &[u8]) -> String {
    key_id(bytes)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// The key pair for `db`, created (mode 0600) when there is none yet.
pub fn load_or_create(db: &Path) -> Result<KeyPair> {
    let path = key_path(db);
    if path.exists() {
        let mode = std::fs::metadata(&path)?.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "{} is readable by other users (mode {:o}): anyone who reads it can pose as this database. Run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut lines = text.lines();
        let (Some(private), Some(public)) =
            (lines.next().and_then(unhex), lines.next().and_then(unhex))
        else {
            bail!(
                "{} is not a warroom peer key; move it away and a new one is made",
                path.display()
            );
        };
        return Ok(KeyPair { private, public });
    }
    let keys = KeyPair::generate().map_err(anyhow::Error::msg)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot create the peer key {}", path.display()))?;
    writeln!(file, "{}\n{}", hex(&keys.private), hex(&keys.public))?;
    file.sync_all()?;
    Ok(keys)
}

/// The public identity others allow, e.g. in `warroom peer allow ID`.
pub fn id(keys: &KeyPair) -> String {
    key_id(&keys.public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_private_to_its_owner_and_reused() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let first = load_or_create(&db).unwrap();
        let mode = std::fs::metadata(key_path(&db))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load_or_create(&db).unwrap().public, first.public);
        assert_eq!(id(&first).len(), 64);
        std::fs::set_permissions(key_path(&db), std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create(&db).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}
