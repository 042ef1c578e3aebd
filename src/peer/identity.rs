//! This database's peer identity: a Noise static key pair kept beside the database
//! in `<db>.peer-key`, created on first use, readable by its owner only.

use std::io::{ErrorKind, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::sync::{KeyPair, key_id};

/// Bytes in a private or a public key.
const KEY_LEN: usize = 32;

/// Where a database's key lives.
fn key_path(db: &Path) -> PathBuf {
    let mut name = db
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".peer-key");
    db.with_file_name(name)
}

/// One key from a line of the file: exactly 64 hex digits (any other length, or
/// anything not a hex digit, even a character of several bytes, is no key).
fn unhex(line: &str) -> Option<Vec<u8>> {
    let mut key = [0u8; KEY_LEN];
    hex::decode_to_slice(line.trim(), &mut key).ok()?;
    Some(key.to_vec())
}

/// The key pair for `db`, created (mode 0600) when there is none yet. Several
/// processes starting at once (`serve` and `sync`, say) all get the same key.
pub fn load_or_create(db: &Path) -> Result<KeyPair> {
    let path = key_path(db);
    // A second round is for a key another process made after our first look.
    for _ in 0..2 {
        match std::fs::metadata(&path) {
            Ok(_) => return load(&path),
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
        if let Some(keys) = create(&path)? {
            return Ok(keys);
        }
    }
    load(&path)
}

fn load(path: &Path) -> Result<KeyPair> {
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        bail!(
            "{} is readable by other users (mode {:o}): anyone who reads it can pose as this database. Run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.lines();
    let (Some(private), Some(public)) =
        (lines.next().and_then(unhex), lines.next().and_then(unhex))
    else {
        bail!(
            "{} is not a warroom peer key (two lines of 64 hex digits); move it away and a new one is made",
            path.display()
        );
    };
    // The public line must be the private key's own: another would name this database
    // by an identity it cannot prove (all zeros, say), and peers would refuse it.
    let derived = public_of(&private);
    if derived != public {
        bail!(
            "{}: its second line is not the public key of its first (that would be {}); fix the file, or move it away and a new key is made",
            path.display(),
            key_id(&derived)
        );
    }
    Ok(KeyPair { private, public })
}

/// The X25519 public key of a private key (what Noise's 25519 uses).
fn public_of(private: &[u8]) -> Vec<u8> {
    let mut scalar = [0u8; 32];
    let n = private.len().min(32);
    scalar[..n].copy_from_slice(&private[..n]);
    curve25519_dalek::montgomery::MontgomeryPoint::mul_base_clamped(scalar)
        .to_bytes()
        .to_vec()
}

/// Writes a new key to a temporary file and links it into place, so that nobody ever
/// reads a half-written key. `None` when another process linked one first.
fn create(path: &Path) -> Result<Option<KeyPair>> {
    let keys = KeyPair::generate().map_err(anyhow::Error::msg)?;
    let mut temp_name = path.file_name().unwrap_or_default().to_os_string();
    temp_name.push(format!(
        ".{}.{}.tmp",
        std::process::id(),
        ulid::Ulid::generate()
    ));
    let temp = path.with_file_name(temp_name);
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)?;
        writeln!(file, "{}\n{}", key_id(&keys.private), key_id(&keys.public))?;
        file.sync_all()
    })();
    let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
            Ok(Some(keys))
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot create the peer key {}", path.display())),
    }
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

    #[test]
    fn processes_starting_together_all_get_the_one_key() {
        for round in 0..20 {
            let dir = tempfile::TempDir::new().unwrap();
            let db = dir.path().join("w.db");
            let keys: Vec<_> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..8)
                    .map(|_| scope.spawn(|| load_or_create(&db)))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let publics: Vec<_> = keys
                .into_iter()
                .map(|k| {
                    k.map(|k| k.public)
                        .unwrap_or_else(|e| panic!("round {round}: {e}"))
                })
                .collect();
            assert!(publics.windows(2).all(|w| w[0] == w[1]), "round {round}");
            let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
            assert_eq!(left.len(), 1, "no temporary files are left behind");
        }
    }

    #[test]
    fn a_public_line_that_is_not_the_private_keys_own_is_refused() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let keys = load_or_create(&db).unwrap();
        assert_eq!(
            public_of(&keys.private),
            keys.public,
            "a made key checks out"
        );
        let text = format!("{}\n{}\n", key_id(&keys.private), "00".repeat(32));
        std::fs::write(key_path(&db), text).unwrap();
        std::fs::set_permissions(key_path(&db), std::fs::Permissions::from_mode(0o600)).unwrap();
        let err = load_or_create(&db).unwrap_err().to_string();
        assert!(err.contains("not the public key of its first"), "{err}");
        assert!(err.contains(&key_id(&keys.public)), "{err}");
    }

    #[test]
    fn a_damaged_key_file_is_refused_with_advice_not_a_panic() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let private = "ab".repeat(32);
        for text in [
            // Non-ASCII where a hex digit should be, 64 bytes long: slicing it two
            // bytes at a time would cut the 'é' in half and panic.
            format!("aé{}\n{private}\n", &private[3..]),
            // Hex, but not a key's length.
            "abcd\nef01\n".to_string(),
            String::new(),
            format!("{private}\n"),
        ] {
            std::fs::write(key_path(&db), &text).unwrap();
            std::fs::set_permissions(key_path(&db), std::fs::Permissions::from_mode(0o600))
                .unwrap();
            let err = load_or_create(&db).unwrap_err();
            assert!(
                err.to_string().contains("not a warroom peer key"),
                "{text:?}: {err}"
            );
        }
    }
}
