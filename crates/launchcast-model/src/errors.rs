//! Errors of this crate: [`ModelError`] for a whole model file (every problem found, each with
//! a span, a key path and a hint) and [`DistError`] for one distribution text.

use std::fmt;
use std::ops::Range;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

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
    /// Column of the span start, in characters (see `line`).
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
        let place = span
            .as_ref()
            .map_or((0, 0), |s| line_column(source, s.start));
        Problem::placed(file, place, span, key_path, label, message, help)
    }

    /// [`Problem::new`] with the span's (line, column) known ([`Lines::line_column`]).
    pub(crate) fn placed(
        file: &str,
        (line, column): (usize, usize),
        span: Option<Range<usize>>,
        key_path: String,
        label: String,
        message: String,
        help: Option<String>,
    ) -> Problem {
        // Everything here can quote the user's text: none of it may reach a terminal raw.
        let shown = |t: &str| crate::printable(t).into_owned();
        Problem {
            file: shown(file),
            key_path: clip_quoted(&shown(&key_path)),
            message: clip_quoted(&shown(&message)),
            help: help.map(|h| clip_quoted(&shown(&h))),
            span,
            line,
            column,
            label: shown(&label),
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
    /// What the diagnostic shows: the source with over-long lines shortened around the
    /// problems, so that a snippet renders whatever the line length.
    shown: Box<Snippets>,
    /// Every problem, positions in the file as read.
    problems: Vec<Problem>,
    /// The same problems with their spans moved into `shown`'s text.
    shown_problems: Vec<Problem>,
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
        let (shown, shown_problems) = Snippets::new(file, source, &problems);
        ModelError {
            shown: Box::new(shown),
            problems,
            shown_problems,
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
        for p in self.problems.iter_mut().chain(&mut self.shown_problems) {
            p.file = file.to_string();
        }
        self.shown.name = crate::printable(file).into_owned();
        self
    }

    /// Every problem found, in reading order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The file name as given.
    pub fn file_name(&self) -> &str {
        &self.shown.name
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
            None => write!(f, "{}: the model is invalid", self.shown.name)?,
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
        self.shown_problems.first()?.labels()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.shown.as_ref())
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.shown_problems.len() < 2 {
            return None;
        }
        Some(Box::new(
            self.shown_problems
                .iter()
                .skip(1)
                .map(|p| p as &dyn Diagnostic),
        ))
    }
}

/// Where the lines of a text start, for the line and column of many places without reading
/// the text from its start for each (a large file with a problem on every line).
#[derive(Debug)]
pub(crate) struct Lines {
    /// Where each line starts: 0, then after each line break.
    starts: Vec<usize>,
}

impl Lines {
    /// The lines of `text` as [`line_column`] counts them: broken at `\n`.
    pub(crate) fn of(text: &str) -> Lines {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { starts }
    }

    /// The lines of `text` as `miette` counts them: broken at `\n`, `\r\n` or a lone `\r`.
    fn of_snippet(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            i += 1;
            if b == b'\r' && bytes.get(i) == Some(&b'\n') {
                i += 1;
            }
            if b == b'\r' || b == b'\n' {
                starts.push(i);
            }
        }
        Lines { starts }
    }

    /// The line (0-based) holding byte `offset`: how many line starts after the first are at
    /// or before it.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    /// [`line_column`] of `offset` in `text` (the text these are the lines of).
    pub(crate) fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line + 1, column)
    }
}

/// Lines longer than this are shortened in snippets, around the places they show.
const SNIPPET_LINE_CHARS: usize = 240;
/// Characters kept on each side of a shown place in a shortened line.
const SNIPPET_CONTEXT_CHARS: usize = 60;

/// The source text a diagnostic shows: the model file with every line longer than
/// [`SNIPPET_LINE_CHARS`] cut down to the parts around the problems' spans (and its start
/// where it has none), joined by `…`. Line numbers are unchanged; spans are moved with
/// [`Snippets::map`]; and the `[file:line:column]` header gives the column in the file as
/// read, not in the shortened line.
#[derive(Debug)]
struct Snippets {
    name: String,
    text: String,
    /// Kept pieces, in order: (offset in `text`, offset in the file, length in bytes).
    pieces: Vec<(usize, usize, usize)>,
    /// The file's text, for lines and columns of the header (empty if nothing was cut).
    original: Option<String>,
    /// The lines of `text`, as `miette` counts them.
    lines: Lines,
    /// The lines of `original`.
    original_lines: Option<Lines>,
}

impl Snippets {
    fn new(name: &str, source: &str, problems: &[Problem]) -> (Snippets, Vec<Problem>) {
        let long = source.split('\n').any(|l| l.len() > SNIPPET_LINE_CHARS);
        let hidden = |c: char| crate::input::is_hidden(c) && c != '\r';
        let controls = source.contains(hidden) || source.replace("\r\n", "").contains('\r');
        if !long && !controls {
            let whole = Snippets {
                name: crate::printable(name).into_owned(),
                text: source.to_string(),
                pieces: vec![(0, 0, source.len())],
                original: None,
                lines: Lines::of_snippet(source),
                original_lines: None,
            };
            return (whole, problems.to_vec());
        }
        // The byte offsets that must stay visible: every span's ends.
        let mut marks: Vec<usize> = problems
            .iter()
            .flat_map(|p| {
                p.span
                    .iter()
                    .cloned()
                    .chain(p.related.iter().map(|r| r.0.clone()))
            })
            .flat_map(|r| [r.start, r.end])
            .map(|o| o.min(source.len()))
            .collect();
        marks.sort_unstable();
        let mut kept: Vec<(usize, usize)> = Vec::new();
        let mut line_start = 0;
        for line in source.split_inclusive('\n') {
            let line_end = line_start + line.len();
            if line.len() <= SNIPPET_LINE_CHARS {
                kept.push((line_start, line_end));
            } else {
                let here: Vec<usize> = marks
                    .iter()
                    .copied()
                    .filter(|m| (line_start..=line_end).contains(m))
                    .collect();
                let mut windows: Vec<(usize, usize)> = if here.is_empty() {
                    vec![(line_start, line_start)]
                } else {
                    here.iter().map(|m| (*m, *m)).collect()
                };
                for w in &mut windows {
                    w.0 = back_chars(source, w.0, SNIPPET_CONTEXT_CHARS).max(line_start);
                    w.1 = forward_chars(source, w.1, SNIPPET_CONTEXT_CHARS).min(line_end);
                }
                // The line's end (its newline) always stays, so that lines keep their count.
                let body_end = line_end - usize::from(line.ends_with('\n'));
                windows.push((body_end, line_end));
                windows.sort_unstable();
                for (a, b) in windows {
                    match kept.last_mut() {
                        Some(last) if a <= last.1 => last.1 = last.1.max(b),
                        _ => kept.push((a, b)),
                    }
                }
            }
            line_start = line_end;
        }
        let mut text = String::with_capacity(source.len().min(1 << 20));
        let mut pieces = Vec::with_capacity(kept.len());
        let mut previous_end = 0;
        for (a, b) in kept {
            if a > previous_end {
                text.push('…');
            }
            // Control characters are shown escaped (`\u{1b}`), never sent to the terminal;
            // a carriage return ending a line stays.
            let part = source.get(a..b).unwrap_or("");
            let mut run = 0;
            for (i, c) in part.char_indices() {
                let crlf = c == '\r' && part[i + 1..].starts_with('\n');
                if !(hidden(c) || (c == '\r' && !crlf)) {
                    continue;
                }
                pieces.push((text.len(), a + run, i - run));
                text.push_str(&part[run..i]);
                text.extend(c.escape_default());
                run = i + c.len_utf8();
            }
            pieces.push((text.len(), a + run, part.len() - run));
            text.push_str(&part[run..]);
            previous_end = b;
        }
        if previous_end < source.len() {
            text.push('…');
        }
        let shown = Snippets {
            name: crate::printable(name).into_owned(),
            lines: Lines::of_snippet(&text),
            text,
            pieces,
            original: Some(source.to_string()),
            original_lines: Some(Lines::of(source)),
        };
        let moved = problems
            .iter()
            .map(|p| {
                let mut p = p.clone();
                p.span = p.span.map(|r| shown.map(r.start)..shown.map(r.end));
                for r in &mut p.related {
                    r.0 = shown.map(r.0.start)..shown.map(r.0.end);
                }
                p
            })
            .collect();
        (shown, moved)
    }

    /// Where byte `offset` of the file is in the shown text.
    fn map(&self, offset: usize) -> usize {
        self.pieces
            .iter()
            .find(|(_, from, len)| offset <= from + len)
            .map_or(self.text.len(), |(at, from, _)| {
                at + offset.saturating_sub(*from)
            })
    }

    /// Where byte `offset` of the shown text is in the file.
    fn unmap(&self, offset: usize) -> usize {
        self.pieces
            .iter()
            .find(|(at, _, len)| offset <= at + len)
            .map_or(usize::MAX, |(at, from, _)| {
                from + offset.saturating_sub(*at)
            })
    }
}

impl SourceCode for Snippets {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // `miette` reads a text from its start to the span: read from the first line shown
        // (`context_lines_before` lines up), which gives the same lines, and count the
        // lines before it here, so that a file with a problem on every line is shown in
        // linear time.
        let first = self
            .lines
            .line_of(span.offset())
            .saturating_sub(context_lines_before);
        let from = self.lines.starts.get(first).copied().unwrap_or(0);
        let rest = self.text.get(from..).unwrap_or("");
        let near = SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let inner = rest.read_span(&near, context_lines_before, context_lines_after)?;
        let inner_span = SourceSpan::new((inner.span().offset() + from).into(), inner.span().len());
        // The header's place: the column in the file as read (in characters).
        let (line, column) = match (&self.original, &self.original_lines) {
            (Some(original), Some(lines)) if context_lines_before == 0 => {
                let (l, c) = lines.line_column(original, self.unmap(span.offset()));
                (l.saturating_sub(1), c.saturating_sub(1))
            }
            _ => (inner.line() + first, inner.column()),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            inner_span,
            line,
            column,
            inner.line_count() + first,
        )))
    }
}

/// The byte offset `n` characters before `offset` (or the start).
fn back_chars(s: &str, offset: usize, n: usize) -> usize {
    let head = s.get(..offset).unwrap_or("");
    head.char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The byte offset `n` characters after `offset` (or the end).
fn forward_chars(s: &str, offset: usize, n: usize) -> usize {
    let tail = s.get(offset..).unwrap_or("");
    tail.char_indices()
        .nth(n)
        .map_or(s.len(), |(i, _)| offset + i)
}

/// `message` with every `quoted` value longer than 80 characters cut to its first 60 and
/// `…`, so that a message stays readable whatever a user wrote.
fn clip_quoted(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len() < 3 || parts.iter().all(|p| p.chars().count() <= 80) {
        return message.to_string();
    }
    let last = parts.len() - 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let quoted = i % 2 == 1 && i < last;
            if quoted && part.chars().count() > 80 {
                format!("{}…", part.chars().take(60).collect::<String>())
            } else {
                (*part).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("`")
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

/// 1-based line and character column of byte `offset` in `source` (clamped to its length;
/// an offset inside a character counts as that character's start): the one place every
/// message of the workspace that names a line and column gets them from.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
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
