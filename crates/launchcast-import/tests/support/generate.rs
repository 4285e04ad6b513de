//! Small schedules in every format this tool reads, for tests of the readers and of the
//! command line (shared as a file by both test binaries): tasks `(id, name)` and
//! finish-to-start links `(pred, succ)`, as each format writes them. Names go into XML as
//! character references, into MPX quoted; PSPLIB has no names and its ids are job numbers.

fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '&' => "&amp;".to_string(),
            c if c.is_control() => format!("&#{};", c as u32),
            c => c.to_string(),
        })
        .collect()
}

pub fn mspdi(tasks: &[(&str, &str)], links: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n\
         <Name>p</Name>\n<StartDate>2024-01-01T08:00:00</StartDate>\n<Tasks>\n",
    );
    for (id, name) in tasks {
        s.push_str(&format!(
            "<Task>\n<UID>{id}</UID>\n<Name>{}</Name>\n<OutlineLevel>1</OutlineLevel>\n\
             <Duration>PT8H0M0S</Duration>\n",
            xml_text(name)
        ));
        for (p, q) in links {
            if q == id {
                s.push_str(&format!(
                    "<PredecessorLink>\n<PredecessorUID>{p}</PredecessorUID>\n<Type>1</Type>\n</PredecessorLink>\n"
                ));
            }
        }
        s.push_str("</Task>\n");
    }
    s.push_str("</Tasks>\n</Project>\n");
    s
}

pub fn xer(tasks: &[(&str, &str)], links: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "ERMHDR\t8.0\n%T\tPROJECT\n%F\tproj_id\tproj_short_name\texport_flag\n%R\t1\tP\tY\n\
         %T\tTASK\n%F\ttask_id\tproj_id\ttask_name\ttarget_drtn_hr_cnt\n",
    );
    for (id, name) in tasks {
        s.push_str(&format!("%R\t{id}\t1\t{name}\t8\n"));
    }
    s.push_str("%T\tTASKPRED\n%F\ttask_id\tpred_task_id\tpred_type\n");
    for (p, q) in links {
        s.push_str(&format!("%R\t{q}\t{p}\tPR_FS\n"));
    }
    s.push_str("%E\n");
    s
}

pub fn pmxml(tasks: &[(&str, &str)], links: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<APIBusinessObjects>\n<Project>\n<ObjectId>1</ObjectId>\n<Name>p</Name>\n",
    );
    for (id, name) in tasks {
        s.push_str(&format!(
            "<Activity>\n<ObjectId>{id}</ObjectId>\n<Name>{}</Name>\n<PlannedDuration>8</PlannedDuration>\n</Activity>\n",
            xml_text(name)
        ));
    }
    for (p, q) in links {
        s.push_str(&format!(
            "<Relationship>\n<PredecessorActivityObjectId>{p}</PredecessorActivityObjectId>\n\
             <SuccessorActivityObjectId>{q}</SuccessorActivityObjectId>\n<Type>Finish to Start</Type>\n</Relationship>\n"
        ));
    }
    s.push_str("</Project>\n</APIBusinessObjects>\n");
    s
}

pub fn mpx(tasks: &[(&str, &str)], links: &[(&str, &str)]) -> String {
    let mut s = String::from("MPX,Microsoft Project for Windows,4.0,ANSI\r\n61,1,40,70,90,98\r\n");
    for (id, name) in tasks {
        let preds: Vec<&str> = links
            .iter()
            .filter(|(_, q)| q == id)
            .map(|(p, _)| *p)
            .collect();
        s.push_str(&format!(
            "70,\"{name}\",1d,\"{}\",{id},{id}\r\n",
            preds.join(",")
        ));
    }
    s
}

/// Ids are job numbers 1..=n; PSPLIB has no names.
pub fn psplib(tasks: &[(&str, &str)], links: &[(&str, &str)]) -> String {
    let mut s = format!(
        "jobs (incl. supersource/sink ):  {}\nPRECEDENCE RELATIONS:\njobnr. #modes #successors successors\n",
        tasks.len()
    );
    for (id, _) in tasks {
        let succ: Vec<&str> = links
            .iter()
            .filter(|(p, _)| p == id)
            .map(|(_, q)| *q)
            .collect();
        s.push_str(&format!("  {id}  1  {}  {}\n", succ.len(), succ.join("  ")));
    }
    s.push_str("REQUESTS/DURATIONS:\njobnr. mode duration  R 1\n----\n");
    for (id, _) in tasks {
        s.push_str(&format!("  {id}  1  3  0\n"));
    }
    s
}
