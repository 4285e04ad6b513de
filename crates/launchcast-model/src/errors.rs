//! Errors of this crate: [`ModelError`] for a whole model file (every problem found, each with
//! a span, a key path and a hint) and [`DistError`] for one distribution text.

use std::fmt;
use std::ops::Range;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

/// One problem in a model file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file name as given to [`crate::parse`].
    pub file: String,
    /// Where in the model, e.g. `task[3].after[1]` (0-based indices), or empty.
    pub key_path: String,
    /// What is wrong, including the offending value.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Byte range in the source of the offending value or key.
    pub span: Option<Range<usize>>,
    /// 1-based line and column (in characters) of the span start; 0 without a span.
    pub line: usize,
    pub column: usize,
    /// Short text under the highlighted span.
    pub label: String,
    /// Other places that take part in the problem (byte range, short text), such as the
    /// other entries of an inconsistent set of correlations.
    pub related: Vec<(Range<usize>, String)>,
}

impl Problem {
    pub(crate) fn new(
        file: &str,
        source: &str,
        span: Option<Range<usize>>,
        key_path: String,
        label: String,
        message: String,
        help: Option<String>,
    ) -> Problem {
        let (line, column) = span
            .as_ref()
            .map_or((0, 0), |s| line_column(source, s.start));
        Problem {
            file: file.to_string(),
            key_path,
            message,
            help,
            span,
            line,
            column,
            label,
            related: Vec::new(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A model built in code has no file name and no positions: key path and message only.
        let mut sep = "";
        if !self.file.is_empty() {
            write!(f, "{}", self.file)?;
            sep = ": ";
        }
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key_path.is_empty() {
            write!(f, "{sep}{}", self.key_path)?;
            sep = ": ";
        }
        write!(f, "{sep}{}", self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        let label = LabeledSpan::new_primary_with_span(Some(self.label.clone()), span);
        let others = self
            .related
            .iter()
            .map(|(span, text)| LabeledSpan::new_with_span(Some(text.clone()), span.clone()));
        Some(Box::new(std::iter::once(label).chain(others)))
    }
}

/// Why a model file could not be read: one or more [`Problem`]s, with the source text for
/// rendering through `miette`. The first problem is the headline; the others are `related`.
#[derive(Debug)]
pub struct ModelError {
    source: NamedSource<String>,
    problems: Vec<Problem>,
}

impl ModelError {
    /// Never empty: a lone problem stands in if `problems` is.
    pub(crate) fn new(file: &str, source: &str, mut problems: Vec<Problem>) -> ModelError {
        if problems.is_empty() {
            problems.push(Problem::new(
                file,
                source,
                None,
                String::new(),
                String::new(),
                "the model is invalid".to_string(),
                None,
            ));
        }
        // Reading order; problems without a position (whole-file ones) come first.
        problems.sort_by_key(|p| (p.line, p.column));
        ModelError {
            source: NamedSource::new(file, source.to_string()),
            problems,
        }
    }

    /// An error about the whole file (unreadable, empty, not UTF-8).
    pub(crate) fn file(file: &str, message: String, help: Option<String>) -> ModelError {
        let p = Problem::new(file, "", None, String::new(), String::new(), message, help);
        ModelError::new(file, "", vec![p])
    }

    /// One problem at `span` of `source` (the text of the model file `file`), for callers
    /// that find it outside this crate, such as an importer that cannot read the file of an
    /// `[[include]]` (see [`crate::Include::origin`]). `key_path` like `include[0].file`.
    pub fn at(
        file: &str,
        source: &str,
        span: Option<Range<usize>>,
        key_path: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> ModelError {
        let help: String = help.into();
        let p = Problem::new(
            file,
            source,
            span,
            key_path.to_string(),
            "here".to_string(),
            message.into(),
            (!help.is_empty()).then_some(help),
        );
        ModelError::new(file, source, vec![p])
    }

    /// The same problems, attributed to the file `file` (for a model checked by
    /// [`crate::validate`], which has no file name of its own).
    pub fn in_file(mut self, file: &str) -> ModelError {
        for p in &mut self.problems {
            p.file = file.to_string();
        }
        let source = self.source.inner().clone();
        self.source = NamedSource::new(file, source);
        self
    }

    /// Every problem found, in reading order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The file name as given.
    pub fn file_name(&self) -> &str {
        self.source.name()
    }

    /// All problems as plain text, one `file:line:column: key: message` line each, followed
    /// by an indented `help:` line where there is one.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for p in &self.problems {
            out.push_str(&p.to_string());
            out.push('\n');
            if let Some(h) = &p.help {
                out.push_str("  help: ");
                out.push_str(h);
                out.push('\n');
            }
        }
        out
    }

    fn first(&self) -> Option<&Problem> {
        self.problems.first()
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.first() {
            Some(p) => write!(f, "{p}")?,
            None => write!(f, "{}: the model is invalid", self.source.name())?,
        }
        match self.problems.len() {
            0 | 1 => Ok(()),
            2 => write!(f, " (and 1 more problem)"),
            n => write!(f, " (and {} more problems)", n - 1),
        }
    }
}

impl std::error::Error for ModelError {}

impl Diagnostic for ModelError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("launchcast::model"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.first()?.help()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.first()?.labels()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.problems.len() < 2 {
            return None;
        }
        Some(Box::new(
            self.problems.iter().skip(1).map(|p| p as &dyn Diagnostic),
        ))
    }
}

/// Why a distribution text (`tri(1mo, 2mo, 3mo)`) does not parse or is not valid.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct DistError {
    /// What is wrong, quoting the offending part.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Byte range of the offending part within the text given to [`crate::Dist::parse`].
    pub span: Range<usize>,
}

impl DistError {
    pub(crate) fn new(span: Range<usize>, message: String, help: impl Into<String>) -> DistError {
        DistError {
            message,
            help: help.into(),
            span,
        }
    }
}

/// 1-based line and character column of byte `offset` in `source` (clamped to its length).
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = source.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// The candidate closest to `word`, if close enough to be a plausible typo.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// ` did you mean `x`?` or nothing.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    nearest(word, candidates).map_or(String::new(), |c| format!("did you mean `{c}`? "))
}
