//! The partial result of one part of a run (`run --shard K/N --partial PATH`), as bytes:
//! what `merge` needs to rebuild the whole run's outcomes exactly: the per-iteration
//! columns of the part, its integer accumulators, its per-task statistics (the bins in use
//! only) and its rows, with a header naming the model (its full text), seed, iterations,
//! scenarios and the part, and a checksum over everything.
//!
//! Layout (little-endian): `LCPART01`, the header's length (u64) and the header as JSON, the
//! outcomes, then the FNV-1a 64 checksum of every byte before it (u64). A file cut short, a
//! changed byte or a file of another kind is refused before anything is read from it.

use launchcast_engine::{Outcomes, Rows, ScenarioOutcomes, TASK_HISTOGRAM_BINS, TaskStats};
use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 8] = b"LCPART01";

/// The format version this build writes and reads.
pub const PARTIAL_FORMAT: u32 = 1;

/// What a partial result is a part of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartialHeader {
    /// [`PARTIAL_FORMAT`].
    pub format: u32,
    /// launchcast's version that wrote it.
    pub launchcast: String,
    /// The model file as given to `run`.
    pub model_path: String,
    /// The model file's text (the merge reads the model from it).
    pub model_text: String,
    /// 64-bit FNV-1a of the model's text, hex.
    pub model_hash: String,
    /// The run's seed.
    pub seed: u64,
    /// The whole run's iterations.
    pub iterations: u64,
    /// The part, from 1.
    pub shard: u64,
    /// How many parts the run has.
    pub shards: u64,
    /// The scenarios run (`--scenario`; empty: every one).
    pub scenarios: Vec<String>,
}

/// Why bytes are not a partial result.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PartialError {
    /// Not a partial result at all.
    #[error("not a launchcast partial result (it does not start with LCPART01)")]
    NotPartial,
    /// Cut short, or a byte changed.
    #[error("the file is truncated or corrupted (its checksum does not match)")]
    Corrupted,
    /// Written by another version of the format.
    #[error("partial result format {0}; this launchcast reads format {PARTIAL_FORMAT}")]
    Format(u32),
    /// The checksum matched but the content does not hold together.
    #[error("the partial result is malformed: {0}")]
    Malformed(String),
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// [`fnv1a`] of a model text as 16 hex digits: how partial results and the history name a
/// model text (not a secret).
pub fn text_hash(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// The partial result of `outcomes` (from `launchcast_engine::run_part`), as bytes.
pub fn write_partial(header: &PartialHeader, outcomes: &Outcomes) -> Vec<u8> {
    let head = serde_json::to_vec(header).unwrap_or_default();
    let mut w = Vec::with_capacity(64 + head.len());
    w.extend_from_slice(MAGIC);
    put_u64(&mut w, head.len() as u64);
    w.extend_from_slice(&head);
    put_u64(&mut w, outcomes.iterations);
    put_u64(&mut w, outcomes.seed);
    w.extend_from_slice(&outcomes.horizon_days.to_le_bytes());
    put_u64(&mut w, outcomes.years.len() as u64);
    for y in &outcomes.years {
        w.extend_from_slice(&y.to_le_bytes());
    }
    put_u64(&mut w, outcomes.months.len() as u64);
    for (y, m) in &outcomes.months {
        w.extend_from_slice(&y.to_le_bytes());
        w.extend_from_slice(&m.to_le_bytes());
    }
    w.push(u8::from(outcomes.delivers));
    w.push(u8::from(outcomes.spends));
    put_u64(&mut w, outcomes.scenarios.len() as u64);
    for s in &outcomes.scenarios {
        put_f32s(&mut w, &s.headline_days);
        // Columns zero by construction (no plants, no costs) are not written.
        for c in &s.deliveries_by_year {
            put_f32s(&mut w, if outcomes.delivers { c } else { &[] });
        }
        for c in &s.spend_by_year {
            put_f32s(&mut w, if outcomes.spends { c } else { &[] });
        }
        put_u64(&mut w, s.promises_kept.len() as u64);
        for p in &s.promises_kept {
            put_u64(&mut w, *p);
        }
        put_tasks(&mut w, &s.tasks);
        put_rows(&mut w, &s.rows, &header.range());
    }
    let sum = fnv1a(&w);
    put_u64(&mut w, sum);
    w
}

fn put_u64(w: &mut Vec<u8>, x: u64) {
    w.extend_from_slice(&x.to_le_bytes());
}

fn put_f32s(w: &mut Vec<u8>, xs: &[f32]) {
    put_u64(w, xs.len() as u64);
    w.reserve(xs.len() * 4);
    for x in xs {
        w.extend_from_slice(&x.to_le_bytes());
    }
}

fn put_tasks(w: &mut Vec<u8>, t: &TaskStats) {
    put_u64(w, t.tasks() as u64);
    put_u64(w, t.sampled);
    for i in 0..t.tasks() {
        put_u64(w, t.finished[i]);
        w.extend_from_slice(&t.finish_sum_fixed[i].to_le_bytes());
        put_u64(w, t.finish_min_fixed[i]);
        put_u64(w, t.finish_max_fixed[i]);
        put_u64(w, t.critical[i]);
        w.push(t.bin_level[i]);
        put_u64(w, t.bin_origin[i]);
        // Only the bins up to the last one in use: the rest are zero.
        let bins = t.bins(i);
        let used = bins.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
        put_u64(w, used as u64);
        for c in &bins[..used] {
            w.extend_from_slice(&c.to_le_bytes());
        }
    }
}

/// The rows of the part: the layout's iterations (all of them, so that the parts can be
/// checked to agree), then each column's values of the rows in the part's `range` only.
fn put_rows(w: &mut Vec<u8>, rows: &Rows, range: &std::ops::Range<u64>) {
    let r = rows.len();
    put_u64(w, r as u64);
    for i in &rows.iterations {
        put_u64(w, *i);
    }
    let lo = rows.iterations.partition_point(|&i| i < range.start);
    let hi = rows.iterations.partition_point(|&i| i < range.end);
    for column in [
        &rows.durations,
        &rows.headline,
        &rows.delivered,
        &rows.spent,
    ] {
        let per_row = column.len().checked_div(r).unwrap_or(0);
        put_u64(w, per_row as u64);
        for item in column.chunks_exact(r.max(1)) {
            for x in &item[lo..hi] {
                w.extend_from_slice(&x.to_le_bytes());
            }
        }
    }
}

impl PartialHeader {
    /// The iterations of the part, in the whole run.
    pub fn range(&self) -> std::ops::Range<u64> {
        launchcast_engine::Part::new(self.shard.saturating_sub(1), self.shards)
            .map_or(0..0, |p| p.range(self.iterations))
    }
}

/// Reads bytes, refusing to go past the end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], PartialError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(PartialError::Malformed(format!(
                "{n} bytes wanted at offset {} of {}",
                self.at,
                self.bytes.len()
            )));
        };
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u64(&mut self) -> Result<u64, PartialError> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    }

    fn u128(&mut self) -> Result<u128, PartialError> {
        let b = self.take(16)?;
        Ok(u128::from_le_bytes(b.try_into().unwrap_or([0; 16])))
    }

    fn u32(&mut self) -> Result<u32, PartialError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
    }

    fn i32(&mut self) -> Result<i32, PartialError> {
        let b = self.take(4)?;
        Ok(i32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
    }

    fn u8(&mut self) -> Result<u8, PartialError> {
        Ok(self.take(1)?[0])
    }

    /// A count of items of `size` bytes each, refused if they cannot fit in what is left (so
    /// a damaged count never allocates more than the file holds).
    fn count(&mut self, size: usize) -> Result<usize, PartialError> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(size.max(1) as u64) > left {
            return Err(PartialError::Malformed(format!(
                "a count of {n} at offset {} is more than the file holds",
                self.at
            )));
        }
        Ok(n as usize)
    }

    fn f32s(&mut self) -> Result<Vec<f32>, PartialError> {
        let n = self.count(4)?;
        let b = self.take(n * 4)?;
        Ok(b.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

fn checked(bytes: &[u8]) -> Result<&[u8], PartialError> {
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(PartialError::NotPartial);
    }
    if bytes.len() < 24 {
        return Err(PartialError::Corrupted);
    }
    let (body, sum) = bytes.split_at(bytes.len() - 8);
    let sum = u64::from_le_bytes(sum.try_into().unwrap_or([0; 8]));
    if fnv1a(body) != sum {
        return Err(PartialError::Corrupted);
    }
    Ok(body)
}

fn header(c: &mut Cursor<'_>) -> Result<PartialHeader, PartialError> {
    let n = c.count(1)?;
    let h: PartialHeader = serde_json::from_slice(c.take(n)?)
        .map_err(|e| PartialError::Malformed(format!("its header: {e}")))?;
    if h.format != PARTIAL_FORMAT {
        return Err(PartialError::Format(h.format));
    }
    Ok(h)
}

/// A partial result read back: its header and its part's outcomes.
pub fn read_partial(bytes: &[u8]) -> Result<(PartialHeader, Outcomes), PartialError> {
    let body = checked(bytes)?;
    let mut c = Cursor { bytes: body, at: 8 };
    let h = header(&mut c)?;
    let iterations = c.u64()?;
    let seed = c.u64()?;
    let horizon_days = f64::from_bits(c.u64()?);
    let years = (0..c.count(4)?)
        .map(|_| c.i32())
        .collect::<Result<Vec<_>, _>>()?;
    let months = (0..c.count(8)?)
        .map(|_| Ok((c.i32()?, c.u32()?)))
        .collect::<Result<Vec<_>, PartialError>>()?;
    let delivers = c.u8()? != 0;
    let spends = c.u8()? != 0;
    let mut scenarios = Vec::new();
    for _ in 0..c.count(8)? {
        let headline_days = c.f32s()?;
        let n = usize::try_from(iterations).unwrap_or(usize::MAX);
        let mut column = |written: bool| -> Result<Vec<f32>, PartialError> {
            let v = c.f32s()?;
            match written {
                true if v.len() == n => Ok(v),
                // Zero by construction: mapped lazily, never touched.
                false if v.is_empty() && n <= headline_days.len() => Ok(vec![0.0; n]),
                _ => Err(PartialError::Malformed(
                    "a yearly column of the wrong length".into(),
                )),
            }
        };
        let deliveries_by_year = (0..years.len())
            .map(|_| column(delivers))
            .collect::<Result<Vec<_>, _>>()?;
        let spend_by_year = (0..years.len())
            .map(|_| column(spends))
            .collect::<Result<Vec<_>, _>>()?;
        let promises_kept = (0..c.count(8)?)
            .map(|_| c.u64())
            .collect::<Result<_, _>>()?;
        let tasks = read_tasks(&mut c)?;
        let rows = read_rows(&mut c, &h.range())?;
        scenarios.push(ScenarioOutcomes {
            headline_days,
            deliveries_by_year,
            spend_by_year,
            promises_kept,
            tasks,
            rows,
        });
    }
    if c.at != body.len() {
        return Err(PartialError::Malformed(format!(
            "{} bytes left over after the outcomes",
            body.len() - c.at
        )));
    }
    Ok((
        h,
        Outcomes {
            iterations,
            seed,
            horizon_days,
            years,
            months,
            delivers,
            spends,
            scenarios,
        },
    ))
}

fn read_tasks(c: &mut Cursor<'_>) -> Result<TaskStats, PartialError> {
    let n = c.count(57)?;
    let mut t = TaskStats::new(n);
    t.sampled = c.u64()?;
    for i in 0..n {
        t.finished[i] = c.u64()?;
        t.finish_sum_fixed[i] = c.u128()?;
        t.finish_min_fixed[i] = c.u64()?;
        t.finish_max_fixed[i] = c.u64()?;
        t.critical[i] = c.u64()?;
        t.bin_level[i] = c.u8()?;
        t.bin_origin[i] = c.u64()?;
        let used = c.count(4)?;
        if used > TASK_HISTOGRAM_BINS {
            return Err(PartialError::Malformed(format!("task {i} has {used} bins")));
        }
        for j in 0..used {
            t.histogram[i * TASK_HISTOGRAM_BINS + j] = c.u32()?;
        }
    }
    Ok(t)
}

fn read_rows(c: &mut Cursor<'_>, range: &std::ops::Range<u64>) -> Result<Rows, PartialError> {
    let r = c.count(8)?;
    let iterations = (0..r).map(|_| c.u64()).collect::<Result<Vec<_>, _>>()?;
    if !iterations.is_sorted() {
        return Err(PartialError::Malformed("its rows are out of order".into()));
    }
    let lo = iterations.partition_point(|&i| i < range.start);
    let hi = iterations.partition_point(|&i| i < range.end);
    let mut column = || -> Result<Vec<f32>, PartialError> {
        let items = c.count(4 * (hi - lo))?;
        let mut out = vec![0f32; items * r];
        for item in 0..items {
            let b = c.take((hi - lo) * 4)?;
            for (k, x) in b.chunks_exact(4).enumerate() {
                out[item * r + lo + k] = f32::from_le_bytes([x[0], x[1], x[2], x[3]]);
            }
        }
        Ok(out)
    };
    let durations = column()?;
    let headline = column()?;
    let delivered = column()?;
    let spent = column()?;
    if headline.len() != r {
        return Err(PartialError::Malformed("its rows have no headline".into()));
    }
    Ok(Rows {
        iterations,
        durations,
        headline,
        delivered,
        spent,
    })
}
