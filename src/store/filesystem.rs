//! Refusing databases on network filesystems. SQLite's write-ahead log keeps its index
//! in shared memory (the `-shm` file, mapped by every process), which only works when
//! every reader and writer is on one host; over NFS or SMB, entries can be lost.

use std::path::Path;

use super::StoreError;

/// Filesystems (by `statfs` magic number) that are shared over a network.
#[cfg(target_os = "linux")]
const NETWORK: &[(u32, &str)] = &[
    (0x6969, "NFS"),
    (0x517B, "SMB"),
    (0xFF53_4D42, "CIFS"),
    (0xFE53_4D42, "SMB2"),
    (0x5346_414F, "AFS"),
    (0x6B41_4653, "AFS"),
    (0x00C3_6400, "Ceph"),
    (0x7375_7245, "Coda"),
    (0x564C, "NCP"),
    (0x0102_1997, "9P"),
    (0x0BD0_0BD0, "Lustre"),
    (0x4750_4653, "GPFS"),
];

/// The network filesystem a `statfs` magic number stands for, if it is one.
#[cfg(target_os = "linux")]
fn network_filesystem(magic: u64) -> Option<&'static str> {
    let magic = (magic & 0xFFFF_FFFF) as u32;
    NETWORK
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

/// Refuses a database whose directory is on a network filesystem.
#[cfg(target_os = "linux")]
pub(super) fn check_local(db: &Path) -> Result<(), StoreError> {
    // Where the file really is: a link may point onto a network filesystem.
    let dir = super::create::real_dir(db);
    let Ok(info) = rustix::fs::statfs(&dir) else {
        // A missing directory is reported later, with its own message.
        return Ok(());
    };
    // The word's type differs between platforms; only its low 32 bits matter.
    match network_filesystem(info.f_type as u64) {
        Some(kind) => Err(StoreError::NetworkFilesystem {
            path: db.to_path_buf(),
            kind,
        }),
        None => Ok(()),
    }
}

/// Elsewhere `statfs` numbers filesystems differently (or not at all), so nothing is
/// refused here: the database is taken to be local.
#[cfg(not(target_os = "linux"))]
pub(super) fn check_local(_db: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn network_filesystems_are_recognised_by_magic_number() {
        assert_eq!(network_filesystem(0x6969), Some("NFS"));
        assert_eq!(network_filesystem(0xFF53_4D42), Some("CIFS"));
        assert_eq!(network_filesystem(0xFE53_4D42), Some("SMB2"));
        assert_eq!(network_filesystem(0x517B), Some("SMB"));
        // statfs reports a signed word on some platforms: the high bits do not matter.
        assert_eq!(network_filesystem(0xFFFF_FFFF_FF53_4D42), Some("CIFS"));
        for local in [
            0xEF53,
            0x0102_1994,
            0x5846_5342,
            0x9123_683E,
            0x794C_7630,
            0x6573_5546,
        ] {
            assert_eq!(
                network_filesystem(local),
                None,
                "{local:#x} is local (ext4, tmpfs, xfs, btrfs, overlay, fuse)"
            );
        }
    }

    #[test]
    fn a_local_directory_passes() {
        let dir = tempfile::TempDir::new().unwrap();
        check_local(&dir.path().join("w.db")).unwrap();
    }
}
