//! Shared reference files (`[[include]] references = "…"`): a model keeps the observations
//! dated on or before its start, and every misuse is reported at its place.

use super::*;

const SHARED: &str = r#"[[reference]]
id = "plant_build"
name = "Plant builds"
observations = [
  { case = "A", value = "20mo", source = "s1", date = 2010-01-01 },
  { case = "B", value = "30mo", source = "s2", date = 2012-01-01 },
  { case = "C", value = "25mo", source = "s3", date = 2019-01-01 },
]

[[reference]]
id = "late"
observations = [
  { case = "A", value = "2mo", source = "s1", date = 2010-01-01 },
  { case = "B", value = "3mo", source = "s2", date = 2019-01-01 },
]
"#;

/// A directory `cases/` beside `refs/plants.toml` (holding `shared`), and the path of a
/// model `cases/m.toml` holding `model`.
fn files(name: &str, shared: &str, model: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("launchcast-shared-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("refs")).unwrap();
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::write(dir.join("refs/plants.toml"), shared).unwrap();
    let path = dir.join("cases/m.toml");
    std::fs::write(&path, model).unwrap();
    path
}

fn case(start: &str, dur: &str) -> String {
    format!(
        "[program]\nname = \"M\"\nstart = {start}\nhorizon = 2030-12-31\n\n[[include]]\nreferences = \"../refs/plants.toml\"\n\n[[task]]\nid = \"build\"\nduration = \"{dur}\"\n"
    )
}

#[test]
fn a_model_keeps_only_what_was_known_by_its_start() {
    let early = parse_file(&files(
        "early",
        SHARED,
        &case("2015-01-01", "ref(plant_build)"),
    ))
    .unwrap();
    let c = &early.references[0];
    assert_eq!(c.file.as_deref(), Some("../refs/plants.toml"));
    assert_eq!((c.observations.len(), c.left_out), (2, 1));
    assert_eq!(c.observations[1].case, "B");
    // The class a model sees is the one written with only those observations.
    let inline = model(
        "[program]\nname = \"M\"\nstart = 2015-01-01\nhorizon = 2030-12-31\n\n[[reference]]\nid = \"plant_build\"\nobservations = [{ case = \"A\", value = \"20mo\", source = \"s1\" }, { case = \"B\", value = \"30mo\", source = \"s2\" }]\n\n[[task]]\nid = \"build\"\nduration = \"ref(plant_build)\"\n",
    );
    assert_eq!(early.tasks[0].duration, inline.tasks[0].duration);
    let late = parse_file(&files(
        "late",
        SHARED,
        &case("2020-01-01", "ref(plant_build)"),
    ))
    .unwrap();
    assert_eq!(
        (
            late.references[0].observations.len(),
            late.references[0].left_out
        ),
        (3, 0)
    );
    assert_ne!(late.tasks[0].duration, early.tasks[0].duration);
    // A class left with one observation is fine until the model draws from it.
    assert_eq!(late.references.len(), 2);
    assert_eq!(early.references.len(), 1);
    assert_eq!(
        early.thin_references,
        [(
            "late".to_string(),
            "has 1 observation dated on or before program.start 2015-01-01 (1 later left out)"
                .to_string()
        )]
    );
    assert!(late.thin_references.is_empty());
}

#[test]
fn drawing_from_a_class_with_too_few_known_cases_is_an_error_at_the_use() {
    let path = files("thin", SHARED, &case("2015-01-01", "ref(late)"));
    let e = parse_file(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:11:12: task[0].duration: class `late` has 1 observation dated on or before program.start 2015-01-01 (1 later left out)",
            path.display()
        )
    );
}

#[test]
fn shared_files_are_checked_in_their_own_place() {
    // Undated: a shared file serves models of many dates.
    let undated = SHARED.replace(", date = 2019-01-01 },\n]\n\n[[ref", " },\n]\n\n[[ref");
    let path = files("undated", &undated, &case("2015-01-01", "ref(plant_build)"));
    let e = parse_file(&path).unwrap_err();
    let shared = path.parent().unwrap().join("../refs/plants.toml");
    assert_eq!(
        e.to_string(),
        format!(
            "{}:7:25: reference[0].observations[2]: observation `C` of a shared reference file has no date",
            shared.display()
        )
    );
    // Only [[reference]] tables.
    let path = files(
        "task",
        &format!("{SHARED}\n[[task]]\nid = \"x\"\nduration = \"1d\"\n"),
        &case("2015-01-01", "ref(plant_build)"),
    );
    let e = parse_file(&path).unwrap_err();
    assert!(
        e.to_string()
            .contains("plants.toml:17:3: task: unknown key `task` in the top level"),
        "{e}"
    );
    // Missing file: at the include.
    let missing =
        case("2015-01-01", "ref(plant_build)").replace("../refs/plants.toml", "../refs/nope.toml");
    let path = files("missing", SHARED, &missing);
    let e = parse_file(&path).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "{}:7:14: include[0].references: cannot read the reference file `../refs/nope.toml`: ",
            path.display()
        )),
        "{e}"
    );
}

#[test]
fn an_include_brings_a_schedule_or_classes_and_a_class_is_defined_once() {
    let both = case("2015-01-01", "ref(plant_build)")
        .replace("references = ", "prefix = \"p\"\nreferences = ");
    let path = files("both", SHARED, &both);
    let e = parse_file(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:7:1: include[0].prefix: `include[0].prefix` and `references` in one [[include]]",
            path.display()
        )
    );
    let twice = case("2015-01-01", "ref(plant_build)").replace(
        "[[task]]",
        "[[reference]]\nid = \"plant_build\"\nobservations = [{ case = \"A\", value = \"1mo\", source = \"s\" }, { case = \"B\", value = \"2mo\", source = \"s\" }]\n\n[[task]]",
    );
    let path = files("twice", SHARED, &twice);
    let e = parse_file(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}:10:6: reference[0].id: class `plant_build` is also in the shared file `../refs/plants.toml`",
            path.display()
        )
    );
}
