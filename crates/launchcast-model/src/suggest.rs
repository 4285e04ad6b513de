//! "Did you mean": the one suggester for a word that names nothing known (a key, an id),
//! by Jaro-Winkler similarity.

/// How similar `word` and `candidate` are, from 0 (nothing in common) to 1 (equal).
fn similarity(word: &str, candidate: &str) -> f64 {
    strsim::jaro_winkler(word, candidate)
}

/// The candidate most similar to `word` (the last of equals), however far: for hints that
/// always name the nearest of a known list.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (similarity(word, c), c))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// How similar a plausible typo is.
const NEAR: f64 = 0.8;

/// The candidate closest to `word`, if close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let bound = Bound::new(word);
    closest(
        word,
        candidates
            .into_iter()
            .filter(|c| bound.may_reach(c) && similarity(word, c) >= NEAR),
    )
}

/// A cheap upper bound on the Jaro-Winkler similarity to an ASCII word, so that
/// [`nearest`] skips most candidates of a large model (one search per unknown id) without
/// changing its answer. Jaro is `(m/|a| + m/|b| + (m - t)/m) / 3` for `m` matching
/// characters, and `m` is at most the characters the two have in common (counted with
/// repeats); Winkler adds `0.1 · prefix · (1 - jaro)` for a common prefix of up to 4.
struct Bound {
    /// How often each byte occurs in the word; `None` if it is not ASCII (no bound).
    counts: Option<[u32; 128]>,
    word: Vec<u8>,
}

impl Bound {
    fn new(word: &str) -> Bound {
        let mut counts = [0u32; 128];
        for b in word.bytes() {
            match counts.get_mut(usize::from(b)) {
                Some(n) => *n += 1,
                None => {
                    return Bound {
                        counts: None,
                        word: Vec::new(),
                    };
                }
            }
        }
        Bound {
            counts: Some(counts),
            word: word.as_bytes().to_vec(),
        }
    }

    /// Whether `candidate` can be [`NEAR`] the word: false only where it cannot.
    fn may_reach(&self, candidate: &str) -> bool {
        let Some(counts) = &self.counts else {
            return true;
        };
        if self.word.is_empty() || candidate.is_empty() || !candidate.is_ascii() {
            return true;
        }
        let mut left = *counts;
        let mut common = 0u32;
        for b in candidate.bytes() {
            if let Some(n) = left.get_mut(usize::from(b))
                && *n > 0
            {
                *n -= 1;
                common += 1;
            }
        }
        let m = f64::from(common);
        let jaro = (m / self.word.len() as f64 + m / candidate.len() as f64 + 1.0) / 3.0;
        let prefix = self
            .word
            .iter()
            .zip(candidate.as_bytes())
            .take(4)
            .take_while(|(a, b)| a == b)
            .count();
        let winkler = jaro + 0.1 * prefix as f64 * (1.0 - jaro);
        // A margin for rounding: the bound only has to be no lower than the similarity.
        common > 0 && winkler >= NEAR - 1e-9
    }
}

/// ` did you mean `x`?` or nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    nearest(word, candidates).map_or(String::new(), |c| format!("did you mean `{c}`? "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words over a small alphabet, so that many pairs are near.
    fn words(seed: u64, n: usize) -> Vec<String> {
        let mut x = seed;
        let mut out = Vec::new();
        for _ in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = 1 + (x >> 60) as usize % 9;
            let w: String = (0..len)
                .map(|k| {
                    let bits = (x >> (4 * k + 3)) & 7;
                    ["a", "b", "c", "0", "1", "_", "é", "a"][bits as usize]
                })
                .collect();
            out.push(w);
        }
        out
    }

    #[test]
    fn the_bound_never_drops_a_near_candidate() {
        let all = words(7, 400);
        for word in &all {
            let bound = Bound::new(word);
            for c in &all {
                if similarity(word, c) >= NEAR {
                    assert!(bound.may_reach(c), "{word} ~ {c}");
                }
            }
        }
    }

    #[test]
    fn nearest_is_the_most_similar_of_the_near_ones() {
        let all = words(11, 300);
        for word in all.iter().take(100) {
            // The definition, without the bound.
            let naive = all
                .iter()
                .map(String::as_str)
                .filter(|c| similarity(word, c) >= NEAR)
                .map(|c| (similarity(word, c), c))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, c)| c);
            assert_eq!(nearest(word, all.iter().map(String::as_str)), naive);
        }
        assert_eq!(nearest("durration", ["duration", "cost"]), Some("duration"));
        assert_eq!(nearest("b0000", ["a0001", "a0002"]), None);
        // What the bound saves: ids of a large model that share only digits.
        assert!(!Bound::new("b0000").may_reach("a0001"));
        assert!(Bound::new("a0000").may_reach("a0001"));
    }
}
