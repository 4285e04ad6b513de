//! What every reader checks before it hands a schedule on: each task has its own id, and the
//! links, once those of summary tasks stand for their leaf tasks' (as the schedulers follow
//! them), form no cycle. MS Project and P6 refuse to schedule a loop; so does launchcast,
//! naming the tasks and the links that form it, where the file has them.

use std::collections::HashMap;

use crate::errors::{ImportError, Place};
use crate::schedule::{MAX_LEAF_LINKS, Schedule, Task};

/// Tasks named in full in a message; a longer cycle or list is cut with a count.
const NAMED: usize = 8;

/// `` `uid` "name" (place) `` for messages.
fn describe(t: &Task) -> String {
    let mut s = format!("`{}`", t.uid);
    if !t.name.is_empty() {
        let name: String = t.name.chars().take(60).collect();
        let more = if t.name.chars().count() > 60 {
            "…"
        } else {
            ""
        };
        s.push_str(&format!(" \"{name}{more}\""));
    }
    if t.place != Place::File {
        s.push_str(&format!(" ({})", t.place));
    }
    s
}

/// Checks ids and links; the error names the file's records.
pub(crate) fn check(s: &Schedule) -> Result<(), ImportError> {
    duplicates(s)?;
    cycles(s)
}

fn duplicates(s: &Schedule) -> Result<(), ImportError> {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(s.tasks.len());
    let mut dups: Vec<(usize, usize)> = Vec::new();
    for (i, t) in s.tasks.iter().enumerate() {
        if let Some(&j) = first.get(t.uid.as_str()) {
            dups.push((j, i));
        } else {
            first.insert(t.uid.as_str(), i);
        }
    }
    let Some(&(j, i)) = dups.first() else {
        return Ok(());
    };
    let (a, b) = (&s.tasks[j], &s.tasks[i]);
    let mut msg = format!(
        "task id `{}` is used twice: by {} and by {}",
        b.uid,
        describe(a),
        describe(b)
    );
    if dups.len() > 1 {
        let others: Vec<String> = dups
            .iter()
            .skip(1)
            .take(NAMED)
            .map(|&(_, k)| format!("`{}`", s.tasks[k].uid))
            .collect();
        msg.push_str(&format!(
            "; {} more ids are used more than once: {}{}",
            dups.len() - 1,
            others.join(", "),
            if dups.len() - 1 > NAMED { ", …" } else { "" }
        ));
    }
    Err(ImportError::invalid(b.place.clone(), msg)
        .value(&b.uid)
        .hint(
            "links name tasks by id, so each task needs its own: renumber one of them in the tool \
             that wrote the file (or export the project again)",
        ))
}

fn cycles(s: &Schedule) -> Result<(), ImportError> {
    let Some(links) = s.leaf_links() else {
        return Err(ImportError::invalid(
            Place::File,
            format!(
                "the links to and from summary tasks stand for more than {MAX_LEAF_LINKS} links \
                 between their tasks"
            ),
        )
        .hint("link the tasks themselves rather than large summary tasks to each other"));
    };
    let n = s.tasks.len();
    if let Some(l) = links.iter().find(|l| l.pred == l.succ) {
        let t = &s.tasks[l.pred];
        let r = &s.relations[l.relation];
        return Err(ImportError::invalid(
            r.place.clone(),
            format!("task {} is linked to itself", describe(t)),
        )
        .value(&t.uid)
        .hint("remove the link in the tool that wrote the file: a task cannot wait for itself"));
    }
    let mut indegree = vec![0usize; n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, l) in links.iter().enumerate() {
        succs[l.pred].push(l.succ);
        preds[l.succ].push(k);
        indegree[l.succ] += 1;
    }
    let mut stack: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut done = 0;
    while let Some(i) = stack.pop() {
        done += 1;
        for &q in &succs[i] {
            indegree[q] -= 1;
            if indegree[q] == 0 {
                stack.push(q);
            }
        }
    }
    if done == n {
        return Ok(());
    }
    // Every task left has a predecessor left: walk back through them until one repeats.
    let Some(mut at) = (0..n).find(|&i| indegree[i] > 0) else {
        return Ok(());
    };
    let mut seen = vec![usize::MAX; n];
    let mut path: Vec<usize> = Vec::new(); // link indexes, walking backwards
    while seen[at] == usize::MAX {
        seen[at] = path.len();
        let Some(&k) = preds[at].iter().find(|&&k| indegree[links[k].pred] > 0) else {
            return Ok(());
        };
        path.push(k);
        at = links[k].pred;
    }
    let mut cycle: Vec<usize> = path[seen[at]..].to_vec();
    cycle.reverse(); // forwards: each link's successor is the next link's predecessor
    let names: Vec<String> = cycle
        .iter()
        .take(NAMED)
        .map(|&k| describe(&s.tasks[links[k].pred]))
        .collect();
    let first = &s.tasks[links[cycle[0]].pred];
    let mut chain = names.join(" → ");
    if cycle.len() > NAMED {
        chain.push_str(&format!(" → … ({} tasks in all)", cycle.len()));
    }
    chain.push_str(&format!(" → `{}`", first.uid));
    let link_places: Vec<String> = cycle
        .iter()
        .take(NAMED)
        .map(|&k| {
            let l = links[k];
            let r = &s.relations[l.relation];
            let mut p = format!(
                "`{}` {} `{}`",
                s.tasks[l.pred].uid,
                r.kind.code(),
                s.tasks[l.succ].uid
            );
            if r.pred != s.tasks[l.pred].uid || r.succ != s.tasks[l.succ].uid {
                p.push_str(&format!(" (by the link `{}` → `{}`)", r.pred, r.succ));
            }
            if r.place != Place::File {
                p.push_str(&format!(" at {}", r.place));
            }
            p
        })
        .collect();
    let place = s.relations[links[cycle[0]].relation].place.clone();
    let tail = if n - done > cycle.len() {
        format!(
            "; {} tasks in all lie on or behind a cycle and cannot be scheduled",
            n - done
        )
    } else {
        String::new()
    };
    Err(ImportError::invalid(
        place,
        format!(
            "the links form a cycle: {chain}; links: {}{tail}",
            link_places.join(", ")
        ),
    )
    .value(&first.uid)
    .hint(
        "remove or reverse one of these links in the tool that wrote the file; a task cannot \
         wait for itself (MS Project and P6 refuse to schedule such a loop too)",
    ))
}
