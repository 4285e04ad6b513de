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

/// The candidate closest to `word`, if close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest(
        word,
        candidates
            .into_iter()
            .filter(|c| similarity(word, c) >= 0.8),
    )
}

/// ` did you mean `x`?` or nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    nearest(word, candidates).map_or(String::new(), |c| format!("did you mean `{c}`? "))
}
