//! Finding and recognising input files: the recursive folder walk, transparent gzip, sniffing a
//! raw log's format from its first bytes (never from its name), and the hour a blob path names.

use crate::table::TICKS_PER_SECOND;
use flate2::read::MultiGzDecoder;
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How many (decompressed) bytes sniffing looks at.
const SNIFF_BYTES: usize = 64 * 1024;
/// What [`sniff_file`] reads first.
const QUICK_SNIFF_BYTES: usize = 4 * 1024;

/// A raw log format kqlite can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Azure VNet flow log (`flowLogVersion` 4, category FlowLogFlowEvent).
    VnetFlow,
    /// Azure NSG flow log, version 1 or 2 (category NetworkSecurityGroupFlowEvent).
    NsgFlow,
    /// AWS VPC flow log (space-separated text, with or without a header line).
    AwsVpcFlow,
    /// Azure resource logs of other categories (Azure Firewall and the like).
    AzureResourceLog,
}

impl Format {
    /// The name `kqlite tables` shows.
    pub fn label(self) -> &'static str {
        match self {
            Format::VnetFlow => "VNet flow log",
            Format::NsgFlow => "NSG flow log",
            Format::AwsVpcFlow => "AWS VPC flow log",
            Format::AzureResourceLog => "Azure resource log",
        }
    }
}

/// What a walk found: the regular files, sorted, and the entries it passed over with why
/// (an unreadable folder, a FIFO or device, a symbolic link not followed, a loop).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// Every regular file under `path` (itself when it is a file), sorted, skipping hidden entries
/// (names starting with `.`) inside folders. Symbolic links inside folders are followed only
/// with `follow` (as ripgrep's `--follow`), and then a folder reached twice (a loop, or two
/// links to one place) is read once. A folder that cannot be read is reported and the walk
/// goes on. The path itself is followed when it is a link: the user named it.
pub fn walk(path: &Path, follow: bool) -> io::Result<Walk> {
    let meta = std::fs::metadata(path)?;
    let mut walk = Walk::default();
    if meta.is_dir() {
        let mut seen = HashSet::new();
        seen.insert(folder_id(&meta));
        walk_into(path, follow, &mut seen, &mut walk);
        walk.files.sort();
    } else if meta.is_file() {
        walk.files.push(path.to_path_buf());
    } else {
        walk.skipped
            .push((path.to_path_buf(), NOT_REGULAR.to_string()));
    }
    Ok(walk)
}

const NOT_REGULAR: &str = "not a regular file (a FIFO, socket or device); skipped";

/// A folder's identity on disk (device and inode), to notice a folder reached twice.
fn folder_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

fn walk_into(dir: &Path, follow: bool, seen: &mut HashSet<(u64, u64)>, walk: &mut Walk) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            walk.skipped
                .push((dir.to_path_buf(), format!("cannot read the folder: {e}")));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                walk.skipped
                    .push((dir.to_path_buf(), format!("cannot read the folder: {e}")));
                continue;
            }
        };
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            walk.skipped
                .push((path, "cannot tell what the entry is".to_string()));
            continue;
        };
        if kind.is_symlink() && !follow {
            walk.skipped.push((
                path,
                "a symbolic link; not followed (--follow reads it)".to_string(),
            ));
            continue;
        }
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) => {
                walk.skipped.push((path, format!("cannot read: {e}")));
                continue;
            }
        };
        if meta.is_dir() {
            if seen.insert(folder_id(&meta)) {
                walk_into(&path, follow, seen, walk);
            } else {
                walk.skipped.push((
                    path,
                    "a link to a folder already read (a loop or a second link); skipped"
                        .to_string(),
                ));
            }
        } else if meta.is_file() {
            walk.files.push(path);
        } else {
            walk.skipped.push((path, NOT_REGULAR.to_string()));
        }
    }
}

/// The default `--max-file-size`: the most bytes one file may hold, after gunzip.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

/// `--max-file-size`, for every reader (set once by the command line before anything is read).
static MAX_FILE_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_BYTES);

/// Set the most bytes one file may hold after gunzip (`--max-file-size`).
pub fn set_max_file_size(bytes: u64) {
    MAX_FILE_BYTES.store(bytes, Ordering::Relaxed);
}

fn max_file_size() -> u64 {
    MAX_FILE_BYTES.load(Ordering::Relaxed)
}

/// A file past `--max-file-size` (a gzip bomb inflates 10 MB into 10 GB): not read at all.
#[derive(Debug)]
pub struct FileTooLarge {
    pub limit: u64,
}

impl std::fmt::Display for FileTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the file holds more than {} bytes (after gunzip), the --max-file-size limit; skipped",
            self.limit
        )
    }
}

impl std::error::Error for FileTooLarge {}

/// Whether `error` says a file passed `--max-file-size`.
pub fn is_too_large(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<FileTooLarge>().is_some())
}

fn too_large() -> io::Error {
    io::Error::other(FileTooLarge {
        limit: max_file_size(),
    })
}

/// The raw bytes of a regular file into `buf` (cleared first), refused past `--max-file-size`.
/// Every file read is counted for the progress line.
pub fn read_raw(path: &Path, buf: &mut Vec<u8>) -> io::Result<()> {
    let read = read_raw_uncounted(path, buf);
    super::scan_progress::file_read(buf.len() as u64);
    read
}

fn read_raw_uncounted(path: &Path, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(
            "not a regular file (a FIFO, socket or device)",
        ));
    }
    if meta.len() > max_file_size() {
        return Err(too_large());
    }
    // `Take` hides the file's size from `read_to_end`, which would then grow the buffer by
    // doubling: a reading thread would hold up to twice its largest file.
    buf.reserve_exact(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_file_size() + 1).read_to_end(buf)?;
    if buf.len() as u64 > max_file_size() {
        buf.clear();
        return Err(too_large());
    }
    Ok(())
}

/// Whether `bytes` start with the gzip magic number.
fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The whole file, decompressed when it is gzip.
pub fn read_all(path: &Path) -> io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    read_raw(path, &mut raw)?;
    if !is_gzip(&raw) {
        return Ok(raw);
    }
    let mut out = Vec::new();
    match gunzip_keeping_prefix(&raw, &mut out) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Decompress the gzip stream `raw` onto `out`, keeping everything decoded before any damage: a
/// truncated or corrupt stream gives its error back with `out` holding what came before it.
/// Decompression streams in chunks and stops past `--max-file-size` ([`is_too_large`]; `out`
/// is then emptied: a bomb is not read at all).
pub fn gunzip_keeping_prefix(raw: &[u8], out: &mut Vec<u8>) -> Option<io::Error> {
    let mut decoder = MultiGzDecoder::new(raw);
    let mut chunk = [0u8; 64 * 1024];
    let limit = max_file_size();
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) if (out.len() + n) as u64 > limit => {
                *out = Vec::new();
                return Some(too_large());
            }
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Some(e),
        }
    }
}

/// The first bytes of `path` (decompressed when it is gzip) and the raw-log format they show.
/// The first 4 KiB decide when they can (a record's first fields name its format, and a folder
/// of logs is sniffed file by file before any query runs); only a file they leave undecided is
/// sniffed again on its first 64 KiB.
pub fn sniff_file(path: &Path) -> io::Result<(Vec<u8>, Option<Format>)> {
    let head = read_head_up_to(path, QUICK_SNIFF_BYTES)?;
    if let Some(format) = sniff(&head) {
        return Ok((head, Some(format)));
    }
    if head.len() < QUICK_SNIFF_BYTES {
        return Ok((head, None));
    }
    let head = read_head(path)?;
    let format = sniff(&head);
    Ok((head, format))
}

/// The first bytes of the file (decompressed when it is gzip), enough to sniff the format.
pub fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    read_head_up_to(path, SNIFF_BYTES)
}

fn read_head_up_to(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut magic = [0u8; 2];
    let n = read_up_to(&mut file, &mut magic)?;
    let mut head = Vec::with_capacity(limit);
    if is_gzip(&magic[..n]) {
        let file = File::open(path)?;
        let mut decoder = MultiGzDecoder::new(file).take(limit as u64);
        // A truncated gzip still sniffs from what it holds; the full read reports the damage.
        let _ = decoder.read_to_end(&mut head);
    } else {
        head.extend_from_slice(&magic[..n]);
        file.take((limit - n) as u64).read_to_end(&mut head)?;
    }
    Ok(head)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The raw-log format of a file whose first bytes are `head`, if it is one kqlite reads.
pub fn sniff(head: &[u8]) -> Option<Format> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' && *first != b'[' {
        return super::vpc_flow::looks_like(text).then_some(Format::AwsVpcFlow);
    }
    let has = |needle: &[u8]| memchr::memmem::find(text, needle).is_some();
    if has(b"\"flowLogVersion\"") || has(b"FlowLogFlowEvent") || has(b"\"flowRecords\"") {
        Some(Format::VnetFlow)
    } else if has(b"NetworkSecurityGroupFlowEvent")
        || (has(b"\"flowTuples\"") && has(b"\"mac\"") && has(b"\"Version\""))
    {
        Some(Format::NsgFlow)
    } else if super::azure_resource::looks_like(text) {
        Some(Format::AzureResourceLog)
    } else {
        None
    }
}

/// The NIC a blob path names (`macAddress=000D3A5210AA`), as written there.
pub fn blob_mac(path: &Path) -> Option<&str> {
    path.components().find_map(|c| {
        c.as_os_str()
            .to_str()?
            .strip_prefix("macAddress=")
            .filter(|m| !m.is_empty())
    })
}

/// The stream a blob belongs to: its path without the hour folders (`y=`, `m=`, `d=`, `h=`)
/// and the file name. One flow log (or NSG) writes one stream per NIC, and a flow context
/// (target, NIC, rule) is only ever written to its own stream. None outside the blob layout.
pub fn blob_stream(path: &Path) -> Option<String> {
    blob_hour(path)?;
    let parent = path.parent()?;
    let kept: Vec<&str> = parent
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .filter(|part| {
            !part
                .split_once('=')
                .is_some_and(|(key, _)| matches!(key, "y" | "m" | "d" | "h"))
        })
        .collect();
    Some(kept.join("/"))
}

/// The hour a blob path names (`…/y=2024/m=05/d=09/h=10/…`), as ticks since the epoch. Readers
/// use it to know when no later file can add to an interval (see `provider`).
pub fn blob_hour(path: &Path) -> Option<i64> {
    let (mut year, mut month, mut day, mut hour) = (None, None, None, None);
    for part in path.components() {
        let part = part.as_os_str().to_str()?;
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let value: u32 = match value.parse() {
            Ok(v) => v,
            Err(_) => continue,
        };
        match key {
            "y" => year = Some(value),
            // The first `m=` is the month, the one after `h=` the minute.
            "m" if month.is_none() => month = Some(value),
            "d" => day = Some(value),
            "h" => hour = Some(value),
            _ => {}
        }
    }
    let date = chrono::NaiveDate::from_ymd_opt(year? as i32, month?, day?)?;
    let time = date.and_hms_opt(hour?, 0, 0)?;
    Some(time.and_utc().timestamp() * TICKS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_stream_is_its_path_without_the_hour_folders() {
        let at = |hour: u32| {
            PathBuf::from(format!(
                "logs/flowLogResourceID=/S1/RG_NETWORKWATCHER_EASTUS/FL-HUB/y=2024/m=05/d=09/\
                 h={hour:02}/m=00/macAddress=002248E65432/PT1H.json"
            ))
        };
        let stream = blob_stream(&at(10)).unwrap();
        assert_eq!(
            stream,
            "logs/flowLogResourceID=/S1/RG_NETWORKWATCHER_EASTUS/FL-HUB/macAddress=002248E65432"
        );
        assert_eq!(blob_stream(&at(11)), Some(stream));
        assert_eq!(blob_stream(Path::new("copies/PT1H.json")), None);
    }
    use std::io::Write;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(
            sniff(b"{\"records\":[{\"time\":\"x\",\"flowLogVersion\":4"),
            Some(Format::VnetFlow)
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF {\"records\": [{\"category\": \"NetworkSecurityGroupFlowEvent\""),
            Some(Format::NsgFlow)
        );
        assert_eq!(sniff(b"version account-id"), Some(Format::AwsVpcFlow));
        assert_eq!(sniff(b"hello world"), None);
        assert_eq!(sniff(b"{\"a\": 1}"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_format_the_first_kilobytes_leave_open_is_sniffed_further() {
        let dir = std::env::temp_dir().join(format!("kqlite-sniff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("PT1H.json");
        let late = format!(
            "{{\"records\":[{}{{\"flowLogVersion\":4}}]}}",
            " ".repeat(10_000)
        );
        std::fs::write(&path, &late).unwrap();
        let (head, format) = sniff_file(&path).unwrap();
        assert_eq!(format, Some(Format::VnetFlow));
        assert_eq!(head.len(), late.len());
        std::fs::write(&path, "{\"records\":[{\"flowLogVersion\":4}]}").unwrap();
        assert_eq!(sniff_file(&path).unwrap().1, Some(Format::VnetFlow));
        std::fs::write(&path, " ".repeat(70_000)).unwrap();
        let (head, format) = sniff_file(&path).unwrap();
        assert_eq!((head.len(), format), (SNIFF_BYTES, None));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_gzip_transparently() {
        let dir = std::env::temp_dir().join(format!("kqlite-detect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("anything.bin");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"records\":[{\"flowLogVersion\":4}]}")
            .unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        assert_eq!(sniff(&read_head(&path).unwrap()), Some(Format::VnetFlow));
        assert_eq!(
            read_all(&path).unwrap(),
            b"{\"records\":[{\"flowLogVersion\":4}]}"
        );
        assert_eq!(walk(&dir, false).unwrap().files, vec![path]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn blob_paths_name_their_hour() {
        let path = Path::new(
            "insights-logs-flowlogflowevent/flowLogResourceID=/SUBSCRIPTIONS/S/y=2024/m=05/d=09/h=10/m=00/macAddress=002248E65432/PT1H.json",
        );
        let expected = chrono::NaiveDate::from_ymd_opt(2024, 5, 9)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
            * TICKS_PER_SECOND;
        assert_eq!(blob_hour(path), Some(expected));
        assert_eq!(blob_hour(Path::new("logs/PT1H.json")), None);
    }
}
