//! `--timeout` and `--max-memory`: the limits each query of `query`, `check`, `export`,
//! `report` and `shell` runs under (`serve` takes `--max-memory` and keeps its own
//! `--query-timeout`). A query past a limit stops with an error naming it: exit 2, as for any
//! query that cannot run.

use crate::exec::Budget;
use crate::Options;
use clap::Args;
use std::time::Duration;

/// The share of the machine's memory a run may hold when `--max-memory` is not given.
const DEFAULT_MEMORY_SHARE: f64 = 0.8;

/// The flags that bound what one query may spend.
#[derive(Args, Debug, Clone, Default)]
pub struct LimitArgs {
    /// The longest one query may run (30s, 2m, 1h 30m); past it the query stops with an
    /// error. Default: no limit.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub memory: MemoryArgs,
}

/// `--max-memory`, alone (serve has its own time limit).
#[derive(Args, Debug, Clone, Default)]
pub struct MemoryArgs {
    /// The most heap memory kqlite may hold while a query runs, the loaded logs included
    /// (2GB, 512MiB, 4GiB); past it the query stops with an error. Default: 80% of the
    /// machine's (or the container's) memory.
    #[arg(long = "max-memory", value_name = "SIZE", value_parser = parse_memory)]
    pub max_memory: Option<u64>,
}

impl MemoryArgs {
    /// The cap: the flag's, else the default share of memory (None where it cannot be read).
    pub fn cap(&self) -> Option<u64> {
        self.max_memory.or_else(|| {
            crate::memory::available_memory().map(|m| (m as f64 * DEFAULT_MEMORY_SHARE) as u64)
        })
    }

    /// Run `options`' queries under this cap.
    pub fn apply(&self, options: &mut Options) {
        options.budget.max_memory = self.cap();
    }
}

impl LimitArgs {
    /// Run `options`' queries under these limits.
    pub fn apply(&self, options: &mut Options) {
        options.budget.timeout = self.timeout;
        self.memory.apply(options);
    }

    /// These limits, for a run that builds no [`Options`] of its own (`export`).
    pub fn budget(&self) -> Budget {
        let mut options = Options::default();
        self.apply(&mut options);
        options.budget
    }
}

/// `--timeout`: a duration as humantime reads it (`30s`, `2m`, `1h 30m`, `500ms`); not zero.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text)
        .map_err(|e| format!("`{text}`: {e}; expected a duration such as 30s, 2m or 1h"))?;
    if duration.is_zero() {
        return Err(format!("`{text}`: the time limit must be more than zero"));
    }
    Ok(duration)
}

/// `--max-memory`: bytes with a unit (`2GB`, `512MiB`; K, M and G alone are 1000s as in
/// bytesize); not zero.
fn parse_memory(text: &str) -> Result<u64, String> {
    let size: bytesize::ByteSize = text
        .trim()
        .parse()
        .map_err(|e| format!("`{text}`: {e}; expected a size such as 2GB or 512MiB"))?;
    match size.as_u64() {
        0 => Err(format!("`{text}`: the memory limit must be more than zero")),
        bytes => Ok(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_humantime_writes_them() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("0s").unwrap_err().contains("more than zero"));
        assert!(parse_duration("soon").unwrap_err().contains("such as 30s"));
    }

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        assert_eq!(parse_memory("2GB"), Ok(2_000_000_000));
        assert_eq!(parse_memory("512MiB"), Ok(512 << 20));
        assert_eq!(parse_memory("4 GiB"), Ok(4 << 30));
        assert!(parse_memory("0").unwrap_err().contains("more than zero"));
        assert!(parse_memory("lots").unwrap_err().contains("such as 2GB"));
    }

    #[test]
    fn the_default_cap_is_a_share_of_memory() {
        let cap = MemoryArgs::default().cap().unwrap();
        let memory = crate::memory::available_memory().unwrap();
        assert!(cap < memory && cap > memory / 2, "{cap} of {memory}");
        let given = MemoryArgs {
            max_memory: Some(5),
        };
        assert_eq!(given.cap(), Some(5));
    }
}
