//! A small element tree over quick-xml, for the XML formats (MSPDI, PMXML). Names are local
//! (namespace prefixes dropped); every element remembers its line for error messages.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::errors::{ImportError, Place};

/// Deepest nesting accepted; schedule files use well under 20 levels.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, Default)]
pub(crate) struct Node {
    pub name: String,
    #[allow(dead_code)]
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
    pub line: usize,
}

impl Node {
    /// First child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(crate) fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Trimmed text of the first child named `name`, or "" if absent.
    pub(crate) fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.trim())
    }

    /// Place of the child `name` (or of this element if absent), for errors.
    pub(crate) fn place(&self, path: &str, name: &str) -> Place {
        Place::Element {
            path: format!("{path}/{name}"),
            line: self.child(name).map_or(self.line, |c| c.line),
        }
    }
}

/// Minutes since midnight of an XML time of day (`08:00:00`, `17:00`; seconds ignored),
/// as MSPDI and PMXML calendars write them; `24:00` is the end of the day.
pub(crate) fn clock_minutes(s: &str) -> Option<u16> {
    let mut it = s.trim().split(':');
    let h: u16 = it.next()?.parse().ok()?;
    let m: u16 = it.next().unwrap_or("0").parse().ok()?;
    (h <= 24 && m < 60).then_some(h * 60 + m)
}

fn local(name: &[u8]) -> String {
    let n = String::from_utf8_lossy(name);
    match n.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => n.into_owned(),
    }
}

/// Decodes and parses a file whose root element must be `root` (`what` names the format in
/// the error); returns the root and the decoder's note, if any.
pub(crate) fn read_document(
    bytes: &[u8],
    root: &str,
    what: &str,
) -> Result<(Node, Option<String>), ImportError> {
    let (text, note) = crate::text::decode(bytes, None);
    let node = parse(&text)?;
    if node.name != root {
        return Err(ImportError::syntax(
            Place::Element {
                path: node.name.clone(),
                line: node.line,
            },
            format!("not {what} file: the root element must be <{root}>"),
        )
        .value(&node.name)
        .hint("launchcast reads MSPDI (<Project>) and PMXML (<APIBusinessObjects>) XML"));
    }
    Ok((node, note))
}

/// Parses a whole document; the root element is returned.
pub(crate) fn parse(text: &str) -> Result<Node, ImportError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    // Lines counted incrementally: (byte position, line there).
    let mut at = (0usize, 1usize);
    loop {
        let pos = reader.buffer_position() as usize;
        if pos > at.0 {
            let seen = text.as_bytes().get(at.0..pos).unwrap_or(&[]);
            at = (pos, at.1 + seen.iter().filter(|&&b| b == b'\n').count());
        }
        let line = at.1;
        let err = |msg: String| {
            let (line, column) = launchcast_model::line_column(text, pos);
            ImportError::syntax(Place::LineColumn { line, column }, msg).hint(
                "the file is not well-formed XML: save or export it again from the tool that \
                 wrote it",
            )
        };
        let ev = reader
            .read_event()
            .map_err(|e| err(format!("malformed XML: {e}")))?;
        match ev {
            Event::Start(e) | Event::Empty(e) if stack.len() > MAX_DEPTH => {
                return Err(
                    err(format!("elements nested deeper than {MAX_DEPTH} levels"))
                        .value(String::from_utf8_lossy(e.name().as_ref())),
                );
            }
            Event::Start(e) => {
                let node = element(&e, line);
                stack.push(node);
            }
            Event::Empty(e) => {
                let node = element(&e, line);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    return Err(err("unbalanced end tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Err(err("unbalanced end tag".into())),
                }
            }
            Event::Text(t) => {
                let s = t.xml_content().map_err(|e| err(format!("bad text: {e}")))?;
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let ch = match name.as_str() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let (Some(c), Some(n)) = (ch, stack.last_mut()) {
                    n.text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        let (line, column) = launchcast_model::line_column(text, text.len());
        return Err(ImportError::syntax(
            Place::LineColumn { line, column },
            format!(
                "the document ends inside element <{}> (truncated file?)",
                stack.last().map_or("", |n| n.name.as_str())
            ),
        )
        .value(stack.last().map_or("", |n| n.name.as_str()))
        .hint("the file was cut short: export it again"));
    }
    let root = stack.pop().unwrap_or_default();
    root.children.into_iter().next().ok_or_else(|| {
        ImportError::syntax(Place::File, "no XML element found").hint("is this an XML file?")
    })
}

fn element(e: &quick_xml::events::BytesStart<'_>, line: usize) -> Node {
    let attrs = e
        .attributes()
        .flatten()
        .map(|a| {
            (
                local(a.key.as_ref()),
                a.unescape_value()
                    .map(|v| v.into_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    Node {
        name: local(e.name().as_ref()),
        attrs,
        text: String::new(),
        children: Vec::new(),
        line,
    }
}
