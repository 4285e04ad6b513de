//! Correlation groups: the `[[correlate]]` entries of a model joined into connected groups of
//! items, each with its correlation matrix and Cholesky factor ([`correlation_groups`], for
//! the engine), and the diagnosis of a matrix that is not positive definite (which pair to
//! change, and to what), for validation.

use std::collections::HashMap;

use crate::Model;

/// Smallest Cholesky pivot accepted: below it the matrix counts as not positive definite
/// (this also rejects singular matrices such as `rho = 1`, which rounding can leave a hair
/// above zero).
const PIVOT_EPS: f64 = 1e-10;

/// An item whose draw is correlated, by its index in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CorrelatedItem {
    /// `model.tasks[i].duration`.
    TaskDuration(usize),
    /// `model.plants[i].ramp`.
    PlantRamp(usize),
}

/// A connected group of correlated items: items listed together in a `[[correlate]]` entry
/// are joined, and so are entries that share an item.
#[derive(Clone, Debug, PartialEq)]
pub struct CorrelationGroup {
    /// In order of first mention in the model's `correlations`.
    pub items: Vec<CorrelatedItem>,
    /// n × n, row-major: 1 on the diagonal, the rank correlation `rho` for pairs listed
    /// together, 0 otherwise.
    pub matrix: Vec<f64>,
    /// Lower-triangular L, row-major (zeros above the diagonal), with L·Lᵀ the matrix of
    /// normal-score correlations [`normal_score`]`(matrix)`: what the engine draws with.
    /// Empty only if the model was not valid (that matrix not positive definite).
    pub cholesky: Vec<f64>,
}

impl CorrelationGroup {
    /// How many items the group correlates.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if the group has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The correlation of items `i` and `j` of the group.
    pub fn rho(&self, i: usize, j: usize) -> f64 {
        self.matrix
            .get(i * self.items.len() + j)
            .copied()
            .unwrap_or(0.0)
    }
}

/// The correlation groups of `model` (a valid one: from [`crate::parse`] or accepted by
/// [`crate::validate`]), in order of first mention. Items that name no task or plant of the
/// model (tasks of an `[[include]]` not merged yet) are left out, and so is a group left with
/// fewer than two items. Disabled items keep their place: the engine ignores their draws, so
/// every scenario sees the same groups.
pub fn correlation_groups(model: &Model) -> Vec<CorrelationGroup> {
    if model.correlations.is_empty() {
        return Vec::new();
    }
    let tasks: HashMap<&str, usize> = model
        .tasks
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let plants: HashMap<&str, usize> = model
        .plants
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let entries: Vec<(&[String], f64)> = model
        .correlations
        .iter()
        .map(|c| (c.items.as_slice(), c.rho))
        .collect();
    let mut out = Vec::new();
    for g in build_groups(&entries) {
        let keep: Vec<(usize, CorrelatedItem)> = g
            .names
            .iter()
            .enumerate()
            .filter_map(|(i, name)| {
                let item = match (tasks.get(name.as_str()), plants.get(name.as_str())) {
                    (Some(&t), _) => CorrelatedItem::TaskDuration(t),
                    (None, Some(&p)) => CorrelatedItem::PlantRamp(p),
                    (None, None) => return None,
                };
                Some((i, item))
            })
            .collect();
        if keep.len() < 2 {
            continue;
        }
        let n = keep.len();
        let mut matrix = vec![0.0; n * n];
        for (r, (i, _)) in keep.iter().enumerate() {
            for (c, (j, _)) in keep.iter().enumerate() {
                if let Some(x) = matrix.get_mut(r * n + c) {
                    *x = g.at(*i, *j);
                }
            }
        }
        let cholesky = cholesky(&normal_scores(&matrix, n), n).unwrap_or_default();
        out.push(CorrelationGroup {
            items: keep.into_iter().map(|(_, item)| item).collect(),
            matrix,
            cholesky,
        });
    }
    out
}

/// The correlation of the normal scores of two draws whose rank (Spearman) correlation is
/// `rho`: 2·sin(π·ρ/6), the exact relation for a Gaussian copula. It is a little larger than
/// `rho` in magnitude (0.5 → 0.518), so a set of rank correlations can be consistent while
/// the matrix the engine factors is not: validation checks the latter.
pub fn normal_score(rho: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rho / 6.0).sin()
}

/// The rank correlation whose normal-score correlation is `r` (the inverse of
/// [`normal_score`] on [-1, 1]).
fn rank_of_normal_score(r: f64) -> f64 {
    6.0 / std::f64::consts::PI * (r / 2.0).clamp(-0.5, 0.5).asin()
}

/// The n × n matrix `m` of rank correlations turned into normal-score correlations (the
/// diagonal stays 1).
fn normal_scores(m: &[f64], n: usize) -> Vec<f64> {
    m.iter()
        .enumerate()
        .map(|(ij, &rho)| {
            if ij / n == ij % n {
                1.0
            } else {
                normal_score(rho)
            }
        })
        .collect()
}

/// A group of item names with its matrix and the listed pairs.
pub(crate) struct RawGroup {
    /// In order of first mention.
    pub names: Vec<String>,
    /// n × n row-major.
    pub matrix: Vec<f64>,
    /// Listed pairs: (row, column) with row > column, and the entry that gives the value
    /// (the last one, where a pair is listed more than once).
    pub pairs: Vec<(usize, usize, usize)>,
    /// Entries (indices) that list items of this group, in order.
    pub entries: Vec<usize>,
}

impl RawGroup {
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the engine can draw with these rank correlations: the matrix of their normal
    /// scores is positive definite.
    pub(crate) fn is_consistent(&self) -> bool {
        cholesky(&normal_scores(&self.matrix, self.len()), self.len()).is_ok()
    }

    /// The same group with its matrix in normal-score correlations.
    fn in_normal_scores(&self) -> RawGroup {
        RawGroup {
            names: self.names.clone(),
            matrix: normal_scores(&self.matrix, self.len()),
            pairs: self.pairs.clone(),
            entries: self.entries.clone(),
        }
    }

    pub(crate) fn at(&self, i: usize, j: usize) -> f64 {
        self.matrix
            .get(i * self.names.len() + j)
            .copied()
            .unwrap_or(0.0)
    }
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while let Some(&p) = parent.get(x) {
        if p == x {
            break;
        }
        let gp = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(x) {
            *slot = gp;
        }
        x = gp;
    }
    x
}

/// Joins entries `(items, rho)` into connected groups. A repeated item within an entry and
/// a pair listed twice are tolerated here (validation reports them): the later value wins.
pub(crate) fn build_groups(entries: &[(&[String], f64)]) -> Vec<RawGroup> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    for (items, _) in entries {
        for it in items.iter() {
            if !ids.contains_key(it.as_str()) {
                ids.insert(it.as_str(), names.len());
                names.push(it.as_str());
            }
        }
    }
    let mut parent: Vec<usize> = (0..names.len()).collect();
    for (items, _) in entries {
        let first = items.first().and_then(|f| ids.get(f.as_str())).copied();
        for it in items.iter().skip(1) {
            if let (Some(a), Some(&b)) = (first, ids.get(it.as_str())) {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra != rb
                    && let Some(slot) = parent.get_mut(ra.max(rb))
                {
                    *slot = ra.min(rb);
                }
            }
        }
    }
    // Groups in order of first mention; members likewise.
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut position = vec![(0usize, 0usize); names.len()];
    for node in 0..names.len() {
        let root = find(&mut parent, node);
        let g = *group_of_root.entry(root).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        if let (Some(m), Some(p)) = (members.get_mut(g), position.get_mut(node)) {
            *p = (g, m.len());
            m.push(node);
        }
    }
    let mut groups: Vec<RawGroup> = members
        .iter()
        .map(|m| {
            let n = m.len();
            let mut matrix = vec![0.0; n * n];
            for i in 0..n {
                if let Some(x) = matrix.get_mut(i * n + i) {
                    *x = 1.0;
                }
            }
            RawGroup {
                names: m
                    .iter()
                    .map(|&k| names.get(k).copied().unwrap_or("").to_string())
                    .collect(),
                matrix,
                pairs: Vec::new(),
                entries: Vec::new(),
            }
        })
        .collect();
    let mut pair_at: HashMap<(usize, usize, usize), usize> = HashMap::new();
    for (e, (items, rho)) in entries.iter().enumerate() {
        let pos: Vec<(usize, usize)> = items
            .iter()
            .filter_map(|it| ids.get(it.as_str()))
            .filter_map(|&k| position.get(k).copied())
            .collect();
        let Some(&(g, _)) = pos.first() else { continue };
        let Some(group) = groups.get_mut(g) else {
            continue;
        };
        let n = group.names.len();
        if group.entries.last() != Some(&e) {
            group.entries.push(e);
        }
        for (x, &(_, a)) in pos.iter().enumerate() {
            for &(_, b) in pos.iter().skip(x + 1) {
                if a == b {
                    continue;
                }
                let (r, c) = (a.max(b), a.min(b));
                for (i, j) in [(r, c), (c, r)] {
                    if let Some(slot) = group.matrix.get_mut(i * n + j) {
                        *slot = *rho;
                    }
                }
                match pair_at.get(&(g, r, c)) {
                    Some(&k) => {
                        if let Some(p) = group.pairs.get_mut(k) {
                            p.2 = e;
                        }
                    }
                    None => {
                        pair_at.insert((g, r, c), group.pairs.len());
                        group.pairs.push((r, c, e));
                    }
                }
            }
        }
    }
    groups
}

/// The lower-triangular Cholesky factor L (row-major, n × n) of the symmetric `a`, or the
/// row at which it fails: a pivot at or below [`PIVOT_EPS`] (not positive definite).
pub(crate) fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>, usize> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let row_j: Vec<f64> = l.get(j * n..j * n + j).unwrap_or(&[]).to_vec();
        let d = a.get(j * n + j).copied().unwrap_or(0.0) - row_j.iter().map(|x| x * x).sum::<f64>();
        // NaN fails too.
        if d.is_nan() || d <= PIVOT_EPS {
            return Err(j);
        }
        let djj = d.sqrt();
        if let Some(x) = l.get_mut(j * n + j) {
            *x = djj;
        }
        for i in j + 1..n {
            let row_i = l.get(i * n..i * n + j).unwrap_or(&[]);
            let dot: f64 = row_i.iter().zip(&row_j).map(|(x, y)| x * y).sum();
            let v = (a.get(i * n + j).copied().unwrap_or(0.0) - dot) / djj;
            if let Some(x) = l.get_mut(i * n + j) {
                *x = v;
            }
        }
    }
    Ok(l)
}

/// Which listed pair of a group that is not positive definite to change, and how.
pub(crate) struct Blame {
    /// Index into the group's `pairs`.
    pub pair: usize,
    /// The open interval of values of that pair alone that make the matrix positive
    /// definite, and a short value inside it; `None` if no single change does.
    pub fix: Option<(f64, f64, f64)>,
}

/// A candidate pair for [`blame`]: the change it needs, its entry, its index in `pairs`,
/// and its fix (interval and value).
struct Candidate {
    change: f64,
    entry: usize,
    pair: usize,
    fix: (f64, f64, f64),
}

/// Above this many (pairs × n³) operations, the fallback rule is used.
const BLAME_BUDGET: f64 = 5e7;

/// The pair to name for a group whose matrix is not positive definite.
///
/// The rule: for each listed pair alone, the values that would make the matrix positive
/// definite form an interval, computed exactly from the Schur complement of the other items
/// (M is positive definite iff the others' block A is, and the 2 × 2 block of the pair minus
/// Bᵀ·A⁻¹·B is). The pair needing the smallest change is named; ties go to the entry written
/// last (the one that closed the contradiction). If no single change suffices (or the group
/// is too large to search), the pair with the largest |rho| in the first row where the
/// Cholesky factorisation fails is named, ties again going to the entry written last.
pub(crate) fn blame(g: &RawGroup) -> Blame {
    let n = g.len();
    let nf = n as f64;
    // The engine factors the normal-score matrix: intervals are found there and given back
    // as rank correlations (the conversion is increasing, so intervals map to intervals).
    let z = g.in_normal_scores();
    let mut best: Option<Candidate> = None;
    if g.pairs.len() as f64 * nf * nf * nf <= BLAME_BUDGET {
        for (k, &(i, j, entry)) in g.pairs.iter().enumerate() {
            let Some((lo, hi)) = feasible(&z, i, j) else {
                continue;
            };
            let (lo, hi) = (rank_of_normal_score(lo), rank_of_normal_score(hi));
            let r = g.at(i, j);
            let change = if r <= lo {
                lo - r
            } else if r >= hi {
                r - hi
            } else {
                0.0
            };
            let Some(value) = short_value_inside(g, i, j, lo, hi) else {
                continue;
            };
            let better = match &best {
                None => true,
                Some(b) => {
                    change < b.change - 1e-9 || (change <= b.change + 1e-9 && entry >= b.entry)
                }
            };
            if better {
                best = Some(Candidate {
                    change,
                    entry,
                    pair: k,
                    fix: (lo, hi, value),
                });
            }
        }
    }
    if let Some(b) = best {
        return Blame {
            pair: b.pair,
            fix: Some(b.fix),
        };
    }
    let row = cholesky(&z.matrix, n).err().unwrap_or(0);
    let mut pick: Option<(f64, usize, usize)> = None;
    for (k, &(i, j, entry)) in g.pairs.iter().enumerate() {
        // Pairs are stored with row > column: those of the failing row.
        if i != row {
            continue;
        }
        let a = g.at(i, j).abs();
        let better = match pick {
            None => true,
            Some((b, e, _)) => a > b || (a == b && entry >= e),
        };
        if better {
            pick = Some((a, entry, k));
        }
    }
    Blame {
        pair: pick.map_or(0, |p| p.2),
        fix: None,
    }
}

/// The open interval (within [-1, 1]) of values of pair (i, j) that, the others unchanged,
/// make the matrix positive definite; `None` if none does.
fn feasible(g: &RawGroup, i: usize, j: usize) -> Option<(f64, f64)> {
    let n = g.len();
    let others: Vec<usize> = (0..n).filter(|&k| k != i && k != j).collect();
    let m = others.len();
    let mut a = vec![0.0; m * m];
    for (r, &x) in others.iter().enumerate() {
        for (c, &y) in others.iter().enumerate() {
            if let Some(s) = a.get_mut(r * m + c) {
                *s = g.at(x, y);
            }
        }
    }
    let l = cholesky(&a, m).ok()?;
    // S = Bᵀ A⁻¹ B with B the columns of i and j: solve L y = b, then S = yᵀ y.
    let solve = |col: usize| -> Vec<f64> {
        let mut y = vec![0.0; m];
        for r in 0..m {
            let b = others.get(r).map_or(0.0, |&x| g.at(x, col));
            let dot: f64 = (0..r)
                .map(|c| {
                    l.get(r * m + c).copied().unwrap_or(0.0) * y.get(c).copied().unwrap_or(0.0)
                })
                .sum();
            let d = l.get(r * m + r).copied().unwrap_or(1.0);
            if let Some(s) = y.get_mut(r) {
                *s = (b - dot) / d;
            }
        }
        y
    };
    let (yi, yj) = (solve(i), solve(j));
    let dot = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
    let (sii, sjj, sij) = (dot(&yi, &yi), dot(&yj, &yj), dot(&yi, &yj));
    let (a, b) = (1.0 - sii, 1.0 - sjj);
    if a.is_nan() || b.is_nan() || a <= PIVOT_EPS || b <= PIVOT_EPS {
        return None;
    }
    let half = (a * b).sqrt();
    let (lo, hi) = ((sij - half).max(-1.0), (sij + half).min(1.0));
    (lo < hi).then_some((lo, hi))
}

/// A rank correlation with few decimals inside (lo, hi), nearest to the pair's current
/// value, for which the matrix of normal scores is positive definite.
fn short_value_inside(g: &RawGroup, i: usize, j: usize, lo: f64, hi: f64) -> Option<f64> {
    let r = g.at(i, j);
    let n = g.len();
    let works = |v: f64| {
        let mut m = g.matrix.clone();
        for idx in [i * n + j, j * n + i] {
            if let Some(x) = m.get_mut(idx) {
                *x = v;
            }
        }
        cholesky(&normal_scores(&m, n), n).is_ok()
    };
    let mut scale = 100.0;
    for _ in 0..4 {
        let v = if r <= lo {
            ((lo + 1e-9) * scale).ceil() / scale
        } else if r >= hi {
            ((hi - 1e-9) * scale).floor() / scale
        } else {
            (r * scale).round() / scale
        };
        let v = v + 0.0;
        if v > lo && v < hi && works(v) {
            return Some(v);
        }
        scale *= 10.0;
    }
    let mid = 0.5 * (lo + hi);
    works(mid).then_some(mid)
}

/// `x` with at most `decimals` decimals, trailing zeros cut (`0.62`, `1`, `-0.5`).
pub(crate) fn short(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_scores_of_rank_correlations() {
        assert_eq!(normal_score(0.0), 0.0);
        assert!((normal_score(1.0) - 1.0).abs() < 1e-15);
        assert!((normal_score(-1.0) + 1.0).abs() < 1e-15);
        assert!((normal_score(0.5) - 0.517_638_090_205_041_5).abs() < 1e-15);
        for k in -10..=10 {
            let rho = f64::from(k) / 10.0;
            assert!((rank_of_normal_score(normal_score(rho)) - rho).abs() < 1e-12);
        }
    }

    #[test]
    fn consistent_in_ranks_but_not_in_normal_scores() {
        // Three items with the same pairwise correlation c have eigenvalues 1 + 2c and 1 - c:
        // positive definite for c > -0.5. In ranks c = -0.49 is (1 + 2c = 0.02); in normal
        // scores c = 2·sin(-0.49π/6) = -0.5075 is not.
        let (a, b, c) = (
            strings(&["a", "b"]),
            strings(&["b", "c"]),
            strings(&["a", "c"]),
        );
        let entries: Vec<(&[String], f64)> = vec![(&a, -0.49), (&b, -0.49), (&c, -0.49)];
        let g = &build_groups(&entries)[0];
        assert!(
            cholesky(&g.matrix, 3).is_ok(),
            "the rank matrix is positive definite"
        );
        assert!(!g.is_consistent());
        // The suggested value makes the normal-score matrix positive definite.
        let (i, j, _) = g.pairs[blame(g).pair];
        let (_, _, v) = blame(g).fix.unwrap();
        let mut m = g.matrix.clone();
        m[i * 3 + j] = v;
        m[j * 3 + i] = v;
        assert!(cholesky(&normal_scores(&m, 3), 3).is_ok(), "{v}");
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn groups_join_entries_that_share_items() {
        let (a, b, c) = (
            strings(&["a", "b"]),
            strings(&["c", "d"]),
            strings(&["b", "e"]),
        );
        let entries: Vec<(&[String], f64)> = vec![(&a, 0.5), (&b, 0.3), (&c, -0.2)];
        let g = build_groups(&entries);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].names, ["a", "b", "e"]);
        assert_eq!(g[0].entries, [0, 2]);
        assert_eq!(g[0].at(0, 1), 0.5);
        assert_eq!(g[0].at(2, 1), -0.2);
        assert_eq!(g[0].at(0, 2), 0.0);
        assert_eq!(g[1].names, ["c", "d"]);
    }

    #[test]
    fn feasible_interval_of_a_pair() {
        let (a, b, c) = (
            strings(&["a", "b"]),
            strings(&["b", "c"]),
            strings(&["a", "c"]),
        );
        let entries: Vec<(&[String], f64)> = vec![(&a, 0.9), (&b, 0.9), (&c, -0.9)];
        let g = &build_groups(&entries)[0];
        assert!(cholesky(&g.matrix, 3).is_err());
        assert!(!g.is_consistent());
        // In ranks, rho(a, c) must lie in (0.62, 1): det = -(r - 0.62)(r - 1).
        let (lo, hi) = feasible(g, 2, 0).unwrap();
        assert!(
            (lo - 0.62).abs() < 1e-12 && (hi - 1.0).abs() < 1e-12,
            "{lo} {hi}"
        );
        // The engine factors normal scores x = 2·sin(0.9π/6): there the interval is
        // (x² - (1 - x²), 1), and back in ranks (6/π)·asin(lo/2).
        let x = normal_score(0.9);
        let lo_z = x * x - (1.0 - x * x);
        let lo_rank = 6.0 / std::f64::consts::PI * (lo_z / 2.0).asin();
        let blame = blame(g);
        assert_eq!(g.pairs[blame.pair], (2, 0, 2));
        let (flo, fhi, value) = blame.fix.unwrap();
        assert!((flo - lo_rank).abs() < 1e-12, "{flo} {lo_rank}");
        assert!((fhi - 1.0).abs() < 1e-12);
        assert!((lo_rank - 0.6310).abs() < 1e-4, "{lo_rank}");
        assert_eq!(value, 0.64);
    }
}
