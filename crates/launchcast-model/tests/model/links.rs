//! The link grammar (`id:SS+2mo`) and its errors.

use super::*;

#[test]
fn link_grammar() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"a\", \"a:FS\", \"a:SS\", \"a:FF\", \"a:SF\", \"a:SS+2mo\", \"a-5d\", \"a+1w\", \" a : ff - 1y \"]\n"
    );
    let m = model(&src);
    let got: Vec<(LinkKind, f64)> = m.tasks[1].after.iter().map(|l| (l.kind, l.lag)).collect();
    use LinkKind::*;
    assert_eq!(
        got,
        [
            (FinishToStart, 0.0),
            (FinishToStart, 0.0),
            (StartToStart, 0.0),
            (FinishToFinish, 0.0),
            (StartToFinish, 0.0),
            (StartToStart, 2.0 * MONTH),
            (FinishToStart, -5.0),
            (FinishToStart, 7.0),
            (FinishToFinish, -365.2425),
        ]
    );
    assert!(m.tasks[1].after.iter().all(|l| l.task == "a"));
    let texts: Vec<String> = m.tasks[1].after.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "a",
            "a",
            "a:SS",
            "a:FF",
            "a:SF",
            "a:SS+2mo",
            "a-5d",
            "a+7d",
            "a:FF-12mo"
        ]
    );
}

#[test]
fn link_errors() {
    let base = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[task]]\nid = \"b\"\nduration = \"1d\"\n"
    );
    let cases = [
        (
            "a:XX",
            "XX",
            "unknown link type `XX` in `a:XX`",
            "use FS (finish to start), SS, FF or SF",
        ),
        (
            "a:SS 2mo",
            "2mo",
            "unexpected `2mo` in link `a:SS 2mo`",
            "a lag starts with + or -",
        ),
        ("a+2", "+2", "`+2` has no unit", "write 12mo or 365d"),
        (
            "a+tri(1d,2d,3d)",
            "+tri",
            "unknown distribution `+tri`",
            "known: tri",
        ),
        (
            "A",
            "A",
            "`A` in link `A` is not a valid task id",
            "[a-z0-9_]+",
        ),
    ];
    for (link, needle, msg, help) in cases {
        let src = format!("{base}after = [\"{link}\"]\n");
        assert_err(
            &src,
            &format!("{}: task[1].after[0]: ", at_last(&src, needle)),
            &[msg, help],
        );
    }
}
