//! The workspace's layout rules, checked on its sources: no source file over 800 lines, and no
//! two modules of a crate that import each other, directly or in a longer circle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read_dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "target") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = rust_files(&workspace().join("crates"))
        .iter()
        .filter_map(|p| {
            let lines = fs::read_to_string(p).expect("read").lines().count();
            (lines > 800).then(|| format!("{} ({lines} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split by concept: {long:?}");
}

/// The crate-level modules `text` names through `crate::name`, comments and `#[cfg(test)]`
/// modules left out.
fn modules_used(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let code = code.split("#[cfg(test)]\nmod ").next().unwrap_or(&code);
    let mut used = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::X, b, c::{..}}`: the first segment of each part at depth 0.
            let mut depth = 0;
            let mut start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[k..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_lowercase() || c == '_') => {
                        let name: String = group[k..]
                            .chars()
                            .take_while(|c| {
                                c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'
                            })
                            .collect();
                        used.insert(name);
                        start = false;
                    }
                    c if !c.is_whitespace() => start = false,
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !name.is_empty() {
                used.insert(name);
            }
        }
    }
    used
}

#[test]
fn no_modules_of_a_crate_import_each_other_in_a_circle() {
    for krate in fs::read_dir(workspace().join("crates"))
        .expect("crates")
        .flatten()
    {
        let src = krate.path().join("src");
        if !src.is_dir() {
            continue;
        }
        // Top-level module → the top-level modules it uses.
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in rust_files(&src) {
            let rel = file.strip_prefix(&src).expect("under src");
            let top = rel
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .map(|s| s.trim_end_matches(".rs").to_string())
                .expect("a name");
            if top == "lib" || top == "main" {
                continue;
            }
            let used = modules_used(&fs::read_to_string(&file).expect("read"));
            graph
                .entry(top.clone())
                .or_default()
                .extend(used.into_iter().filter(|m| *m != top));
        }
        let known: BTreeSet<String> = graph.keys().cloned().collect();
        for (module, uses) in &graph {
            // Depth-first from each module it uses: reaching `module` again is a circle.
            let mut seen = BTreeSet::new();
            let mut stack: Vec<(String, Vec<String>)> = uses
                .iter()
                .filter(|u| known.contains(*u))
                .map(|u| (u.clone(), vec![module.clone(), u.clone()]))
                .collect();
            while let Some((m, path)) = stack.pop() {
                assert!(
                    m != *module,
                    "{}: modules import each other in a circle: {}",
                    krate.path().display(),
                    path.join(" → ")
                );
                if seen.insert(m.clone()) {
                    for next in graph
                        .get(&m)
                        .into_iter()
                        .flatten()
                        .filter(|u| known.contains(*u))
                    {
                        let mut p = path.clone();
                        p.push(next.clone());
                        stack.push((next.clone(), p));
                    }
                }
            }
        }
    }
}

#[test]
fn a_circle_is_seen_through_use_groups() {
    // The parser of `use` lines, on the forms the workspace writes.
    let used = modules_used(
        "use crate::{a::X, b, c::{d, e}};\nlet x = crate::f::g(); // crate::h\n\
         #[cfg(test)]\nmod tests { use crate::i; }",
    );
    let want: BTreeSet<String> = ["a", "b", "c", "f"].iter().map(|s| s.to_string()).collect();
    assert_eq!(used, want);
}
