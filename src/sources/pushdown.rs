//! The `where` conjuncts a flow-table scan applies while it reads, so rows that cannot pass are
//! never built: whole files (by the hour and MAC address their blob path names), whole records
//! (by their time), flow groups (by their capture context) and tuples (by their group key).
//!
//! ARCHITECTURE.md's rule decides what may be pushed. Rows are Traffic-Analytics aggregates of
//! tuples, so before aggregation a conjunct may only read group-key columns — the context
//! (MAC, target, rule, …), `SrcIp`/`DestIp` *as the row shows them* (a public address is
//! empty), `DestPort`, `L4Protocol`, `FlowDirection`, `FlowStatus` — whose value every tuple of
//! a row shares; it is evaluated by the query's own evaluator on a one-row probe built with the
//! value the row will have, once per distinct value (cached), never per tuple. Conjuncts on
//! times only skip what lies entirely outside their range: a tuple whose whole interval does,
//! a record written before the range starts, a file whose hour ends before it. Everything else
//! is left to the executor, which applies every conjunct again anyway: a pushed conjunct can
//! only save work, never change the answer.
//!
//! Two facts about Azure's logs make the time pruning safe: a record is written after the
//! tuples it holds (its `time` is not earlier than theirs), and a `PT1H.json` holds the tuples
//! logged during the hour its path names (none is timestamped after that hour ends).

use super::aggregate::{FileAggregator, TupleText};
use super::azure_ids::format_mac;
use super::columns::{self, FlowTable};
use super::flow_row::{Direction, FlowContext, FlowRow, FlowTuple, Origin};
use super::topology;
use crate::catalog::{ScanRequest, ScanStats};
use crate::eval;
use crate::func::EvalContext;
use crate::plan::{BinaryOp, BoundExpr, ExprNode};
use crate::table::{empty_str, Column, Schema, Table, Value, TICKS_PER_SECOND};
use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

const HOUR: i64 = 3600 * TICKS_PER_SECOND;

/// What a produced column's value depends on, as far as pushdown cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// The same for every tuple of a flow group: MAC, target, rule, constants, unfilled columns.
    Context,
    /// One group-key field of the tuple, as the row shows it.
    Key(Part),
    /// `FlowStartTime`/`FlowEndTime`: some tuple time within the row's interval.
    FlowTime,
    IntervalStart,
    /// `FlowIntervalEndTime`, `TimeGenerated`, `TimeProcessed`.
    IntervalEnd,
    /// Counters, port lists, public-IP lists: only known once the row is complete.
    Aggregated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Src,
    Dst,
    Port,
    Protocol,
    Direction,
    Status,
}

fn kind_of(table: FlowTable, name: &str) -> Kind {
    use Part::*;
    let nta = table == FlowTable::NtaNetAnalytics;
    match name {
        // `--topology` fills these from both ends of a row, public addresses included.
        _ if topology::fills(name) => Kind::Aggregated,
        "SrcIp" if nta => Kind::Key(Src),
        "DestIp" if nta => Kind::Key(Dst),
        "DestPort" if nta => Kind::Key(Port),
        "L4Protocol" if nta => Kind::Key(Protocol),
        "FlowDirection" if nta => Kind::Key(Direction),
        "FlowStatus" if nta => Kind::Key(Status),
        "SrcIP_s" if !nta => Kind::Key(Src),
        "DestIP_s" if !nta => Kind::Key(Dst),
        "DestPort_d" if !nta => Kind::Key(Port),
        "L4Protocol_s" if !nta => Kind::Key(Protocol),
        "FlowDirection_s" if !nta => Kind::Key(Direction),
        "FlowStatus_s" if !nta => Kind::Key(Status),
        "FlowStartTime" | "FlowEndTime" | "FlowStartTime_t" | "FlowEndTime_t" => Kind::FlowTime,
        "FlowIntervalStartTime" | "FlowIntervalStartTime_t" => Kind::IntervalStart,
        "FlowIntervalEndTime"
        | "FlowIntervalEndTime_t"
        | "TimeGenerated"
        | "TimeProcessed"
        | "TimeProcessed_t" => Kind::IntervalEnd,
        "AclGroup" | "AclRule" | "FaSchemaVersion" | "FlowLogResourceId" | "LogResourceId"
        | "TargetResourceId" | "TargetResourceType" | "MacAddress" | "NsgList" | "NsgRule"
        | "NsgRuleType" | "Status" | "SubType" | "Type" | "_ResourceId" | "_SubscriptionId"
            if nta =>
        {
            Kind::Context
        }
        "SubType_s" | "FASchemaVersion_s" | "NSGList_s" | "NSGRule_s" | "NSGRuleType_s"
        | "MACAddress_s" | "Type" | "_ResourceId" | "_SubscriptionId"
            if !nta =>
        {
            Kind::Context
        }
        // A column the reader leaves empty is the same on every row.
        _ if !columns::fills(table, name) => Kind::Context,
        _ => Kind::Aggregated,
    }
}

/// A closed range of ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    lo: i64,
    hi: i64,
}

impl Default for Range {
    fn default() -> Self {
        Range {
            lo: i64::MIN,
            hi: i64::MAX,
        }
    }
}

impl Range {
    /// Whether a value known to lie in `[min, max]` can be in range.
    fn may_hold(&self, min: i64, max: i64) -> bool {
        max >= self.lo && min <= self.hi
    }

    fn is_full(&self) -> bool {
        *self == Range::default()
    }
}

/// Why a file is read or skipped, judged by its blob path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileVerdict {
    Keep,
    /// Its hour lies outside the time range.
    OutsideTime,
    /// Its MAC address fails a predicate.
    OtherMac,
}

/// Tuples, records and flow groups one file's filter skipped, added to the scan's totals
/// when the file is done.
#[derive(Debug, Default)]
struct Skipped {
    records_by_time: u64,
    groups_by_context: u64,
    tuples_by_time: u64,
    tuples_by_key: u64,
}

/// The predicates of one scan, sorted by what they read; shared by the threads reading files.
pub struct ScanFilter {
    table: FlowTable,
    schema: Schema,
    columns: Vec<usize>,
    ctx: EvalContext,
    interval: i64,
    /// Conjuncts reading only context columns; `mac_only` marks those reading only the MAC.
    context: Vec<(BoundExpr, bool)>,
    keys: Vec<(Part, BoundExpr)>,
    flow_time: Range,
    interval_start: Range,
    interval_end: Range,
    /// Verdicts on key values already probed, by part and value text, across files.
    verdicts: Mutex<FxHashMap<(Part, String), bool>>,
    /// What the reader does with each predicate of the request, in order (`--explain`).
    uses: Vec<&'static str>,
    /// What the files' filters skipped, in total.
    pub skipped: ScanStats,
}

impl ScanFilter {
    /// Sort `request.predicates` over the columns `table` (schema `schema`) produces.
    pub fn new(
        table: FlowTable,
        schema: &Schema,
        request: &ScanRequest<'_>,
        interval: i64,
    ) -> ScanFilter {
        let mut filter = ScanFilter {
            table,
            schema: schema.clone(),
            columns: request.columns.to_vec(),
            ctx: request.ctx,
            interval,
            context: Vec::new(),
            keys: Vec::new(),
            flow_time: Range::default(),
            interval_start: Range::default(),
            interval_end: Range::default(),
            verdicts: Mutex::new(FxHashMap::default()),
            uses: Vec::new(),
            skipped: ScanStats::default(),
        };
        let kinds: Vec<Kind> = request
            .columns
            .iter()
            .map(|&i| kind_of(table, &schema.fields[i].name))
            .collect();
        let mac_name = match table {
            FlowTable::NtaNetAnalytics => "MacAddress",
            FlowTable::AzureNetworkAnalytics => "MACAddress_s",
        };
        for p in request.predicates {
            if filter.add_time_bound(p, &kinds) {
                filter.uses.push("time range: skips files, records, tuples");
                continue;
            }
            let Some(mut read) = columns_read(p) else {
                filter.uses.push("rows: holds a subquery");
                continue;
            };
            read.sort_unstable();
            read.dedup();
            let read_kinds: Vec<Kind> = read.iter().map(|&c| kinds[c]).collect();
            if read_kinds.iter().all(|k| *k == Kind::Context) {
                let mac_only = !read.is_empty()
                    && read
                        .iter()
                        .all(|&c| schema.fields[request.columns[c]].name == mac_name);
                filter.uses.push(if mac_only {
                    "MAC: skips files, flow groups"
                } else {
                    "context: skips flow groups"
                });
                filter.context.push((p.clone(), mac_only));
            } else if let [Kind::Key(part)] = read_kinds[..] {
                filter.uses.push("group key: skips tuples");
                filter.keys.push((part, p.clone()));
            } else {
                filter.uses.push("rows: checked on the built rows");
            }
        }
        filter
    }

    /// What the reader does with each predicate of the request, in order.
    pub fn uses(&self) -> Vec<String> {
        self.uses.iter().map(|u| u.to_string()).collect()
    }

    /// Whether the scan must look at anything at all per tuple.
    pub fn is_empty(&self) -> bool {
        self.context.is_empty()
            && self.keys.is_empty()
            && self.flow_time.is_full()
            && self.interval_start.is_full()
            && self.interval_end.is_full()
    }

    /// `Column op constant` (either side) or `Column between (a .. b)` on a time column:
    /// narrow that column's range; true when the conjunct was taken.
    fn add_time_bound(&mut self, p: &BoundExpr, kinds: &[Kind]) -> bool {
        let (column, bound) = match &p.kind {
            ExprNode::Binary { op, left, right } => {
                let (column, op, constant) = match (&left.kind, &right.kind) {
                    (ExprNode::Column(c), _) => (*c, *op, right.as_ref()),
                    (_, ExprNode::Column(c)) => (*c, mirror(*op), left.as_ref()),
                    _ => return false,
                };
                let Some(t) = self.constant_time(constant) else {
                    return false;
                };
                let bound = match op {
                    BinaryOp::Gt => Range {
                        lo: t.saturating_add(1),
                        ..Range::default()
                    },
                    BinaryOp::GtEq => Range {
                        lo: t,
                        ..Range::default()
                    },
                    BinaryOp::Lt => Range {
                        hi: t.saturating_sub(1),
                        ..Range::default()
                    },
                    BinaryOp::LtEq => Range {
                        hi: t,
                        ..Range::default()
                    },
                    BinaryOp::Eq => Range { lo: t, hi: t },
                    _ => return false,
                };
                (column, bound)
            }
            ExprNode::Between {
                expr,
                low,
                high,
                negated: false,
            } => {
                let ExprNode::Column(column) = expr.kind else {
                    return false;
                };
                match (self.constant_time(low), self.constant_time(high)) {
                    (Some(lo), Some(hi)) => (column, Range { lo, hi }),
                    _ => return false,
                }
            }
            _ => return false,
        };
        let range = match kinds.get(column) {
            Some(Kind::FlowTime) => &mut self.flow_time,
            Some(Kind::IntervalStart) => &mut self.interval_start,
            Some(Kind::IntervalEnd) => &mut self.interval_end,
            _ => return false,
        };
        range.lo = range.lo.max(bound.lo);
        range.hi = range.hi.min(bound.hi);
        true
    }

    /// A datetime the expression always has (`ago(1h)`, `datetime(2024-05-09)`).
    fn constant_time(&self, e: &BoundExpr) -> Option<i64> {
        if columns_read(e).is_none_or(|read| !read.is_empty()) {
            return None;
        }
        match eval::eval_constant(e, &self.ctx) {
            Ok(Value::DateTime(t)) => Some(t),
            _ => None,
        }
    }

    /// Whether a file can hold a row that passes, judged by its blob path alone: the hour it
    /// was logged in (nothing in it is timestamped after that hour ends) and its MAC address.
    #[cfg(test)]
    pub fn keeps_file(&self, path: &Path, hour: Option<i64>) -> bool {
        self.file_verdict(path, hour) == FileVerdict::Keep
    }

    /// [`ScanFilter::keeps_file`], saying why a file is skipped.
    pub fn file_verdict(&self, path: &Path, hour: Option<i64>) -> FileVerdict {
        if let Some(h) = hour {
            let last = h + HOUR - 1;
            let interval_end = if self.interval == 0 { last } else { h + HOUR };
            if !self.flow_time.may_hold(i64::MIN, last)
                || !self.interval_start.may_hold(i64::MIN, last)
                || !self.interval_end.may_hold(i64::MIN, interval_end)
            {
                return FileVerdict::OutsideTime;
            }
        }
        let mac_predicates: Vec<&BoundExpr> = self
            .context
            .iter()
            .filter(|(_, mac_only)| *mac_only)
            .map(|(p, _)| p)
            .collect();
        if mac_predicates.is_empty() {
            return FileVerdict::Keep;
        }
        let Some(mac) = super::detect::blob_mac(path) else {
            return FileVerdict::Keep;
        };
        let probe = FlowContext {
            mac: format_mac(mac).into(),
            ..empty_context()
        };
        let row = FlowRow::probe(Arc::new(probe));
        if mac_predicates.iter().all(|p| self.passes(p, &row)) {
            FileVerdict::Keep
        } else {
            FileVerdict::OtherMac
        }
    }

    /// Evaluate one conjunct on a one-row probe: true only when it is `true` (null fails, as
    /// in `where`). A conjunct the evaluator cannot run keeps the row.
    fn passes(&self, p: &BoundExpr, row: &FlowRow) -> bool {
        let columns = columns::build(
            self.table,
            &self.schema,
            &self.columns,
            std::slice::from_ref(row),
            None,
            false,
        );
        let fields = self
            .columns
            .iter()
            .map(|&i| self.schema.fields[i].clone())
            .collect();
        let batch = Table::new(Schema::new(fields), columns);
        match eval::eval(p, &batch, &self.ctx) {
            Ok(Column::Bool(v)) => v.first().copied().flatten().unwrap_or(false),
            _ => true,
        }
    }

    fn probe_key(&self, part: Part, text: &str, row: &FlowRow) -> bool {
        let key = (part, text.to_string());
        if let Some(&v) = self.verdicts.lock().unwrap().get(&key) {
            return v;
        }
        let verdict = self
            .keys
            .iter()
            .filter(|(p, _)| *p == part)
            .all(|(_, e)| self.passes(e, row));
        self.verdicts.lock().unwrap().insert(key, verdict);
        verdict
    }
}

/// `a > b` read from the right: `b < a`.
fn mirror(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::GtEq => BinaryOp::LtEq,
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::LtEq => BinaryOp::GtEq,
        other => other,
    }
}

/// The columns an expression reads; None when it holds a subquery (never pushed).
fn columns_read(e: &BoundExpr) -> Option<Vec<usize>> {
    (!e.has_subplan()).then(|| e.columns_read())
}

/// `002248E65432` from `…/macAddress=002248E65432/PT1H.json`.
fn empty_context() -> FlowContext {
    FlowContext {
        origin: Origin::Vnet,
        target_id: empty_str(),
        target_type: empty_str(),
        flow_log_id: empty_str(),
        log_resource_id: empty_str(),
        resource_id: empty_str(),
        subscription: empty_str(),
        mac: empty_str(),
        acl_group: empty_str(),
        acl_rule: empty_str(),
        nsg_list: empty_str(),
        nsg_rule: empty_str(),
        nsg_rule_type: empty_str(),
    }
}

/// A record's `time` (`2024-05-09T10:00:52.5625085Z`) rounded up to the next whole second, as
/// ticks; None when it does not read as one.
pub fn record_time_ceiling(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let date =
        chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)? as u32, num(8..10)? as u32)?;
    let time = date.and_hms_opt(
        num(11..13)? as u32,
        num(14..16)? as u32,
        num(17..19)? as u32,
    )?;
    Some((time.and_utc().timestamp() + 1) * TICKS_PER_SECOND)
}

/// One file's view of a [`ScanFilter`]: verdicts cached by the file's own ids, so a tuple costs
/// a few array reads.
pub struct FileFilter<'f> {
    scan: Option<&'f ScanFilter>,
    /// Per context id of the aggregator: 0 not judged yet, 1 passes, 2 fails.
    contexts: Vec<u8>,
    /// Per interned string id, for the source and the destination side.
    src: Vec<u8>,
    dst: Vec<u8>,
    /// Port, protocol, direction and status verdicts by value.
    values: FxHashMap<(Part, u32), bool>,
    has_src: bool,
    has_dst: bool,
    has_other: bool,
    times: bool,
    skipped: Skipped,
}

impl Drop for FileFilter<'_> {
    /// Add what this file skipped to the scan's totals.
    fn drop(&mut self) {
        if let Some(scan) = self.scan {
            let totals = &scan.skipped;
            ScanStats::add(
                &totals.records_skipped_by_time,
                self.skipped.records_by_time,
            );
            ScanStats::add(
                &totals.groups_skipped_by_context,
                self.skipped.groups_by_context,
            );
            ScanStats::add(&totals.tuples_skipped_by_time, self.skipped.tuples_by_time);
            ScanStats::add(&totals.tuples_skipped_by_key, self.skipped.tuples_by_key);
        }
    }
}

impl<'f> FileFilter<'f> {
    /// A filter that keeps everything.
    #[cfg(test)]
    pub fn none() -> FileFilter<'static> {
        FileFilter::new(None)
    }

    pub fn new(scan: Option<&'f ScanFilter>) -> FileFilter<'f> {
        let scan = scan.filter(|s| !s.is_empty());
        let has =
            |want: &[Part]| scan.is_some_and(|s| s.keys.iter().any(|(p, _)| want.contains(p)));
        FileFilter {
            scan,
            contexts: Vec::new(),
            src: Vec::new(),
            dst: Vec::new(),
            values: FxHashMap::default(),
            has_src: has(&[Part::Src]),
            has_dst: has(&[Part::Dst]),
            has_other: has(&[Part::Port, Part::Protocol, Part::Direction, Part::Status]),
            times: scan.is_some_and(|s| {
                !(s.flow_time.is_full() && s.interval_start.is_full() && s.interval_end.is_full())
            }),
            skipped: Skipped::default(),
        }
    }

    /// Whether any row can come from a record written at `time` (its text).
    pub fn keeps_record(&mut self, time: &str, agg: &FileAggregator<'_>) -> bool {
        let Some(scan) = self.scan.filter(|_| self.times) else {
            return true;
        };
        let Some(latest) = record_time_ceiling(time) else {
            return true;
        };
        let (start, end) = agg.interval_of(latest);
        let flow_max = if scan.interval == 0 { latest } else { end - 1 };
        let keep = scan.flow_time.may_hold(i64::MIN, flow_max)
            && scan.interval_start.may_hold(i64::MIN, start)
            && scan.interval_end.may_hold(i64::MIN, end);
        if !keep {
            self.skipped.records_by_time += 1;
        }
        keep
    }

    /// Whether rows captured under the aggregator's context `id` can pass.
    pub fn keeps_context(&mut self, agg: &FileAggregator<'_>, id: u32) -> bool {
        let Some(scan) = self.scan else { return true };
        if scan.context.is_empty() {
            return true;
        }
        let i = id as usize;
        if i >= self.contexts.len() {
            self.contexts.resize(i + 1, 0);
        }
        if self.contexts[i] == 0 {
            let row = FlowRow::probe(agg.context_at(id).clone());
            let ok = scan.context.iter().all(|(p, _)| scan.passes(p, &row));
            self.contexts[i] = if ok { 1 } else { 2 };
        }
        let keep = self.contexts[i] == 1;
        if !keep {
            self.skipped.groups_by_context += 1;
        }
        keep
    }

    /// Intern the tuple's addresses and say whether its row can pass: `Some((src, dst))` ids to
    /// hand to `FileAggregator::add_interned`, or None to drop the tuple.
    pub fn tuple<'a>(
        &mut self,
        agg: &mut FileAggregator<'a>,
        t: &FlowTuple<'a>,
    ) -> Option<(u32, u32)> {
        let texts = agg.keeps_texts();
        let src = if texts || self.has_src {
            agg.intern_field(TupleText::Src, t.src)
        } else {
            0
        };
        let dst = if texts || self.has_dst {
            agg.intern_field(TupleText::Dst, t.dst)
        } else {
            0
        };
        let Some(scan) = self.scan else {
            return Some((src, dst));
        };
        if self.times {
            let (start, end) = agg.interval_of(t.time);
            let (flow_min, flow_max) = if scan.interval == 0 {
                (t.time, t.time)
            } else {
                (start, end - 1)
            };
            if !scan.flow_time.may_hold(flow_min, flow_max)
                || !scan.interval_start.may_hold(start, start)
                || !scan.interval_end.may_hold(end, end)
            {
                self.skipped.tuples_by_time += 1;
                return None;
            }
        }
        if (self.has_src && !judge_string(&mut self.src, scan, agg, Part::Src, src))
            || (self.has_dst && !judge_string(&mut self.dst, scan, agg, Part::Dst, dst))
        {
            self.skipped.tuples_by_key += 1;
            return None;
        }
        if self.has_other {
            let parts = [
                (Part::Port, t.dst_port.map_or(u32::MAX, u32::from)),
                (Part::Protocol, u32::from(t.protocol)),
                (Part::Direction, (t.direction == Direction::Inbound) as u32),
                (Part::Status, t.denied as u32),
            ];
            for (part, value) in parts {
                if !scan.keys.iter().any(|(p, _)| *p == part) {
                    continue;
                }
                let ok = match self.values.get(&(part, value)) {
                    Some(&ok) => ok,
                    None => {
                        let mut row = FlowRow::probe(Arc::new(empty_context()));
                        row.dst_port = t.dst_port;
                        row.protocol = t.protocol;
                        row.direction = t.direction;
                        row.denied = t.denied;
                        let ok = scan.probe_key(part, &value.to_string(), &row);
                        self.values.insert((part, value), ok);
                        ok
                    }
                };
                if !ok {
                    self.skipped.tuples_by_key += 1;
                    return None;
                }
            }
        }
        Some((src, dst))
    }
}

/// The verdict on an address (by its interned id), probing it as the row shows it.
fn judge_string(
    cache: &mut Vec<u8>,
    scan: &ScanFilter,
    agg: &FileAggregator<'_>,
    part: Part,
    id: u32,
) -> bool {
    let i = id as usize;
    if i >= cache.len() {
        cache.resize(i + 1, 0);
    }
    if cache[i] == 0 {
        let shown = agg.shown(id);
        let mut row = FlowRow::probe(Arc::new(empty_context()));
        if part == Part::Src {
            row.src_ip = shown.clone();
        } else {
            row.dst_ip = shown.clone();
        }
        let ok = scan.probe_key(part, &shown, &row);
        cache[i] = if ok { 1 } else { 2 };
    }
    cache[i] == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{known_schema, Catalog};
    use crate::plan::{Node, Plan};
    use crate::sources::flow_row::FlowState;
    use crate::Options;

    const HOUR_TICKS: i64 = HOUR;
    /// 2024-05-09T10:00:00Z.
    const TEN: i64 = 1_715_248_800 * TICKS_PER_SECOND;

    fn scan_of(plan: &Plan) -> (Vec<usize>, Vec<BoundExpr>) {
        let mut found = None;
        plan.walk(&mut |node| {
            if let Node::Scan {
                columns,
                predicates,
                ..
            } = &node.node
            {
                found.get_or_insert_with(|| (columns.clone(), predicates.clone()));
            }
        });
        found.expect("a scan")
    }

    fn filter(query: &str, interval: i64) -> ScanFilter {
        let options = Options {
            now: TEN + HOUR_TICKS,
            ..Options::default()
        };
        let bound = crate::bind(&crate::parse(query).unwrap(), &Catalog::new(), &options).unwrap();
        let bound = crate::optimize(bound);
        let (columns, predicates) = scan_of(&bound.plan);
        let schema = known_schema("NTANetAnalytics").unwrap();
        let request = ScanRequest {
            columns: &columns,
            predicates: &predicates,
            ctx: options.context(),
            stats: None,
        };
        ScanFilter::new(FlowTable::NtaNetAnalytics, &schema, &request, interval)
    }

    fn blob(mac: &str) -> PathBuf {
        PathBuf::from(format!(
            "logs/y=2024/m=05/d=09/h=10/m=00/macAddress={mac}/PT1H.json"
        ))
    }

    use std::path::PathBuf;

    fn tuple(src: &str, time: i64) -> FlowTuple<'_> {
        FlowTuple {
            time,
            src,
            dst: "10.12.1.4",
            src_port: Some(50000),
            dst_port: Some(443),
            protocol: 6,
            direction: Direction::Inbound,
            state: FlowState::Begin,
            denied: false,
            encryption: "NX",
            counters: [0; 4],
        }
    }

    #[test]
    fn files_are_pruned_by_the_mac_in_their_blob_path() {
        let f = filter(
            "NTANetAnalytics | where MacAddress == '00-22-48-E6-54-32' | count",
            HOUR_TICKS,
        );
        assert!(f.keeps_file(&blob("002248E65432"), Some(TEN)));
        assert!(!f.keeps_file(&blob("002248EA534B"), Some(TEN)));
        assert!(f.keeps_file(Path::new("flows.json"), None));
        // `=~` is case-insensitive, as the evaluator knows.
        let f = filter(
            "NTANetAnalytics | where MacAddress =~ '00-22-48-e6-54-32' | count",
            HOUR_TICKS,
        );
        assert!(f.keeps_file(&blob("002248E65432"), Some(TEN)));
    }

    #[test]
    fn time_prunes_only_whole_hours_records_and_intervals() {
        let f = filter(
            "NTANetAnalytics | where FlowStartTime > ago(1h) | count",
            HOUR_TICKS,
        );
        // Files of hours that end before 10:00 cannot hold a row; the 10:00 file can.
        assert!(!f.keeps_file(&blob("X"), Some(TEN - HOUR_TICKS)));
        assert!(f.keeps_file(&blob("X"), Some(TEN)));
        let agg = FileAggregator::new(HOUR_TICKS);
        let mut file = FileFilter::new(Some(&f));
        assert!(!file.keeps_record("2024-05-09T09:58:59.5Z", &agg));
        assert!(file.keeps_record("2024-05-09T10:00:00.5Z", &agg));
        assert!(file.keeps_record("not a time", &agg));
        // A tuple of the 09:00 interval is dropped; one of 10:00 kept (its row's start is
        // checked again on the finished row).
        let mut agg = FileAggregator::new(HOUR_TICKS);
        let mut file = FileFilter::new(Some(&f));
        assert!(file.tuple(&mut agg, &tuple("10.0.0.1", TEN - 1)).is_none());
        assert!(file.tuple(&mut agg, &tuple("10.0.0.1", TEN)).is_some());
    }

    #[test]
    fn key_predicates_see_the_row_value_and_others_are_not_pushed() {
        let f = filter(
            "NTANetAnalytics | where SrcIp contains '10.10.4' and isnotempty(SrcIp) | count",
            HOUR_TICKS,
        );
        let mut agg = FileAggregator::new(HOUR_TICKS);
        let mut file = FileFilter::new(Some(&f));
        assert!(file.tuple(&mut agg, &tuple("10.10.4.5", TEN)).is_some());
        assert!(file.tuple(&mut agg, &tuple("10.12.1.5", TEN)).is_none());
        // A public source is blanked in the row, so `isnotempty(SrcIp)` fails for it.
        let f = filter(
            "NTANetAnalytics | where isnotempty(SrcIp) | count",
            HOUR_TICKS,
        );
        let mut file = FileFilter::new(Some(&f));
        assert!(file.tuple(&mut agg, &tuple("203.0.113.9", TEN)).is_none());
        assert!(file.tuple(&mut agg, &tuple("10.1.1.1", TEN)).is_some());
        // Aggregated columns wait for the finished row.
        assert!(filter(
            "NTANetAnalytics | where BytesSrcToDest > 10 | count",
            HOUR_TICKS
        )
        .is_empty());
        assert!(filter(
            "NTANetAnalytics | where FlowType == 'x' | count",
            HOUR_TICKS
        )
        .is_empty());
    }
}
