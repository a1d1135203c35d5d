//! What a release states (issue 19, item 5): a requirement's text changed is a change `diff`
//! shows, the JSON report's seed reproduces the run when read back by any JSON reader, JUnit
//! lists the cases in run order, and `tests/release-check.sh` (`make release-check`) catches
//! versions that disagree.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::maintainers::{repo, run, text};
use crate::runner::{run_with, scratch};

/// `text` with KEY-1's requirement reworded wherever it appears.
fn reword_key1(text: &str) -> String {
    const WAS: &str = "a key begins with `thub_` (exactly, lowercase)";
    assert!(
        text.contains(WAS),
        "KEY-1's requirement changed: update this test"
    );
    text.replace(WAS, "a key starts with `thub_`")
}

/// Two manifests (the committed reference, and the runner's list with one requirement
/// reworded) differ only in that text: `diff` lists it once, under its own heading, with both
/// texts, in the table and in JSON; exit 0, as for a level change (not a regression).
#[test]
fn diff_shows_a_requirement_whose_text_changed() {
    let dir = scratch("requirement");
    let old = repo().join("conformance/manifest.jsonl");
    let listed = text(&run(&["--list", "--format", "json"]).stdout);
    let new = dir.join("reworded.jsonl");
    std::fs::write(&new, reword_key1(&listed)).unwrap();
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());

    let out = run(&["diff", old, new]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(
            "requirement text changed: 1\n  KEY-1\n    was: a key begins with `thub_` (exactly, lowercase); a value that does not is never a valid key\n    now: a key starts with `thub_`; a value that does not is never a valid key\n"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("0 added, 0 removed, 1 requirement texts changed"),
        "{shown}"
    );
    assert!(shown.contains("under the same SPEC"), "{shown}");

    let out = run(&["diff", "--format", "json", old, new]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["requirement_changes"],
        serde_json::json!([{
            "clause": "KEY-1",
            "from": "a key begins with `thub_` (exactly, lowercase); a value that does not is never a valid key",
            "to": "a key starts with `thub_`; a value that does not is never a valid key",
        }])
    );

    // The same files unchanged: nothing listed.
    let out = run(&["diff", old, old]);
    assert!(
        !text(&out.stdout).contains("requirement text changed"),
        "{}",
        text(&out.stdout)
    );

    // Reports carry each case's requirement too: a report against the reworded manifest, and
    // two reports, show the change; a verdict regression still exits 101 beside it.
    let report = dir.join("report.json");
    let out = run(&["KEY-1::", "--report", report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&["diff", report.to_str().unwrap(), new]);
    assert!(text(&out.stdout).contains("requirement text changed: 1\n  KEY-1\n"));
    let mut changed: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    changed["cases"][0]["verdict"] = "fail".into();
    let changed_path = dir.join("changed.json");
    std::fs::write(&changed_path, reword_key1(&changed.to_string())).unwrap();
    let out = run(&[
        "diff",
        report.to_str().unwrap(),
        changed_path.to_str().unwrap(),
    ]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(101), "{shown}");
    assert!(
        shown.contains("regressions (did not fail, now fail): 1")
            && shown.contains("requirement text changed: 1"),
        "{shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A seed above 2^53 is written as a string, digit for digit (as a JSON number jq and
/// JavaScript would read it rounded: another seed), and the seed read back from the report
/// runs again as that seed.
#[test]
fn the_reports_seed_is_a_string_that_reproduces_the_run() {
    const SEED: &str = "8259980799557871217";
    let family = ["--cases", "4", "--exact", "KEY-2::random_unknown_keys"];
    let first = run_with(
        "release-seed",
        &[&["--seed", SEED][..], &family].concat(),
        &[],
    );
    assert_eq!(first.status, 0, "{}", first.all_output());
    assert_eq!(first.report["cases"].as_array().map(Vec::len), Some(1));
    assert_eq!(first.report["run"]["seed"], SEED, "{}", first.report["run"]);
    assert!(first
        .junit
        .contains(&format!("name=\"seed\" value=\"{SEED}\"")));
    let seed: u64 = SEED.parse().unwrap();
    assert_ne!(
        seed as f64 as u64, seed,
        "a JSON number would not keep this seed"
    );

    let again = first.report["run"]["seed"].as_str().unwrap().to_owned();
    let second = run_with(
        "release-seed-again",
        &[&["--seed", again.as_str()][..], &family].concat(),
        &[],
    );
    assert_eq!(second.status, 0, "{}", second.all_output());
    assert!(
        second.stderr.contains(&format!("seed {SEED}")),
        "{}",
        second.stderr
    );
    assert_eq!(second.report["run"]["seed"], SEED);
}

/// JUnit lists the cases in run order — the JSON report's and the manifest's — in one suite,
/// each case's clause its classname; not grouped by clause (ROUTE-1's, ERR-1's and ROB-1's
/// generated families run after OK-1).
#[test]
fn junit_lists_the_cases_in_run_order() {
    let run = run_with("release-junit", &["--cases", "4", "1::"], &[]);
    assert_eq!(run.status, 0, "{}", run.all_output());
    let in_report: Vec<String> = run.report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    let in_junit: Vec<String> = run
        .junit
        .split("<testcase name=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect();
    assert_eq!(in_junit, in_report);
    let listed = text(&run_cmd_list("1::"));
    let in_manifest: Vec<String> = listed
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "test")
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(in_junit, in_manifest);
    // The run order is not the clauses' alphabetical order: this test can tell the two apart.
    let clause = |name: &String| name.split("::").next().unwrap().to_owned();
    let clauses: Vec<String> = in_junit.iter().map(clause).collect();
    let mut sorted = clauses.clone();
    sorted.sort();
    assert_ne!(clauses, sorted);
    assert_eq!(run.junit.matches("<testsuite ").count(), 1, "{}", run.junit);
    assert!(
        run.junit.contains("<testsuite name=\"server\""),
        "{}",
        run.junit
    );
}

fn run_cmd_list(filter: &str) -> Vec<u8> {
    run(&["--list", "--format", "json", filter]).stdout
}

/// The files `tests/release-check.sh` reads, copied to `dir`.
const RELEASE_FILES: [&str; 9] = [
    "SPEC.md",
    "Cargo.toml",
    "CHANGELOG.md",
    "mock-server/src/lib.rs",
    "conformance/src/spec/mod.rs",
    "conformance/manifest.jsonl",
    "contract/Cargo.toml",
    "mock-server/Cargo.toml",
    "conformance/Cargo.toml",
];

fn release_check(root: &Path) -> Output {
    Command::new("bash")
        .arg(repo().join("tests/release-check.sh"))
        .arg(root)
        .output()
        .expect("bash runs")
}

/// `make release-check` passes on the repository and on a copy of its files, and fails naming
/// the file when one version in a copy is changed alone.
#[test]
fn release_check_names_the_file_whose_version_disagrees() {
    let out = release_check(&repo());
    assert!(out.status.success(), "{}", text(&out.stderr));

    let copy = |name: &str| {
        let dir = scratch(name);
        for file in RELEASE_FILES {
            let to = dir.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(repo().join(file), to).unwrap();
        }
        dir
    };
    let dir = copy("release-agree");
    let out = release_check(&dir);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);

    let spec_md = std::fs::read_to_string(repo().join("SPEC.md")).unwrap();
    let spec = spec_md
        .lines()
        .find_map(|l| l.strip_prefix("Spec version: "))
        .expect("SPEC.md's `Spec version:` line");
    let tools = env!("CARGO_PKG_VERSION");
    // (file, what it says now, what is planted, what the message must name)
    let plants: [(&str, String, String, &str); 6] = [
        (
            "SPEC.md",
            format!("Spec version: {spec}"),
            "Spec version: 9.9.9".into(),
            "mock-server/src/lib.rs says spec_version!",
        ),
        (
            "mock-server/src/lib.rs",
            format!("\"{spec}\""),
            "\"9.9.9\"".into(),
            "mock-server/src/lib.rs says spec_version! 9.9.9",
        ),
        (
            "conformance/src/spec/mod.rs",
            format!("\"{spec}\""),
            "\"9.9.9\"".into(),
            "conformance/src/spec/mod.rs says spec_version! 9.9.9",
        ),
        (
            "Cargo.toml",
            format!("terminus-mock = {{ path = \"mock-server\", version = \"{tools}\" }}"),
            "terminus-mock = { path = \"mock-server\", version = \"9.9.9\" }".into(),
            "terminus-mock version 9.9.9",
        ),
        (
            "CHANGELOG.md",
            format!("## [Unreleased] — {tools} (SPEC {spec})"),
            format!("## [Unreleased] — {tools} (SPEC 9.9.9)"),
            "CHANGELOG.md says its top entry",
        ),
        (
            "conformance/manifest.jsonl",
            format!("\"spec_version\":\"{spec}\""),
            "\"spec_version\":\"9.9.9\"".into(),
            "conformance/manifest.jsonl says spec_version 9.9.9",
        ),
    ];
    for (file, was, planted, named) in plants {
        let dir = copy("release-plant");
        let path = dir.join(file);
        let original = std::fs::read_to_string(&path).unwrap();
        assert!(original.contains(&was), "{file} does not say {was}");
        std::fs::write(&path, original.replacen(&was, &planted, 1)).unwrap();
        let out = release_check(&dir);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(
            stderr.contains("release-check: FAIL") && stderr.contains(named),
            "{file}: {stderr}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    // The tools' Python and npm packages state the tools' version too (where they state one).
    let dir = copy("release-packages");
    std::fs::create_dir_all(dir.join("npm")).unwrap();
    std::fs::create_dir_all(dir.join("python")).unwrap();
    let package = |version: &str| {
        format!("{{\n  \"name\": \"terminus-mock\",\n  \"version\": \"{version}\"\n}}\n")
    };
    std::fs::write(dir.join("npm/package.json"), package(tools)).unwrap();
    std::fs::write(
        dir.join("python/pyproject.toml"),
        "[project]\nname = \"terminus-mock\"\ndynamic = [\"version\"]\n",
    )
    .unwrap();
    let out = release_check(&dir);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(dir.join("npm/package.json"), package("0.0.1")).unwrap();
    let out = release_check(&dir);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("npm/package.json says version 0.0.1"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
