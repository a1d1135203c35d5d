//! For spec maintainers (issue 10): the committed reference manifest matches the built runner,
//! `diff` names regressions and exits 101, and the versions say which spec they implement.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::runner::scratch;

const BIN: &str = env!("CARGO_BIN_EXE_terminus-conformance");

/// The repository's root.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The built runner with `args`, run to its end.
pub(crate) fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the runner starts")
}

/// Output as text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `conformance/manifest.jsonl` is what the runner lists for the default endpoints: a change
/// to what a release checks shows up as a diff of that file in review. The list is the same
/// from any directory, with any key in the environment, run after run.
#[test]
fn the_reference_manifest_is_what_the_runner_lists() {
    let committed = std::fs::read_to_string(repo().join("conformance/manifest.jsonl"))
        .expect("conformance/manifest.jsonl is committed");
    let listed = text(&run(&["--list", "--format", "json"]).stdout);
    let elsewhere = Command::new(BIN)
        .args(["--list", "--format", "json"])
        .current_dir(std::env::temp_dir())
        .env(
            "TERMINUS_API_KEY",
            concat!("thub_", "0123456789abcdefghijklmnopqrstuv"),
        )
        .output()
        .expect("the runner starts");
    assert_eq!(
        text(&elsewhere.stdout),
        listed,
        "the manifest depends on the directory or the environment"
    );
    if committed != listed {
        panic!(
            "conformance/manifest.jsonl differs from `terminus-conformance --list --format json`:\n{}\n\
             If the change is meant, run `make manifest`, commit conformance/manifest.jsonl and say \
             what changed in CHANGELOG.md (Unreleased).",
            manifest_changes(&committed, &listed)
        );
    }
}

/// What differs between two manifests, line by line, keyed by case name (the header by its
/// type): `-` only in the committed file, `+` only in the runner's list, `~` a case whose line
/// changed (both shown), and whether the order changed.
fn manifest_changes(committed: &str, listed: &str) -> String {
    fn keyed(text: &str) -> Vec<(String, &str)> {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap_or(Value::Null);
                let key = v["name"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("<{}>", v["type"].as_str().unwrap_or("not JSON")));
                (key, l)
            })
            .collect()
    }
    let old = keyed(committed);
    let new = keyed(listed);
    let find = |side: &[(String, &str)], key: &str| {
        side.iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| l.to_string())
    };
    let mut out = Vec::new();
    for (key, line) in &old {
        match find(&new, key) {
            None => out.push(format!("  - {line}")),
            Some(now) if now != *line => {
                out.push(format!("  ~ {key}\n      was {line}\n      now {now}"))
            }
            Some(_) => {}
        }
    }
    for (key, line) in &new {
        if find(&old, key).is_none() {
            out.push(format!("  + {line}"));
        }
    }
    let order = |side: &[(String, &str)], other: &[(String, &str)]| -> Vec<String> {
        side.iter()
            .filter(|(k, _)| other.iter().any(|(o, _)| o == k))
            .map(|(k, _)| k.clone())
            .collect()
    };
    if order(&old, &new) != order(&new, &old) {
        out.push("  the run order of the cases both list changed".to_owned());
    }
    if out.is_empty() {
        out.push("  (only blank lines or line endings differ)".to_owned());
    }
    out.join("\n")
}

#[test]
fn a_changed_manifest_is_shown_case_by_case() {
    let committed = "{\"type\":\"manifest\",\"spec_version\":\"1.0.0\"}\n\
        {\"type\":\"test\",\"name\":\"A-1::a\",\"level\":\"must\"}\n\
        {\"type\":\"test\",\"name\":\"A-1::b\",\"level\":\"must\"}\n\
        {\"type\":\"test\",\"name\":\"A-1::c\",\"level\":\"must\"}\n";
    let listed = "{\"type\":\"manifest\",\"spec_version\":\"1.1.0\"}\n\
        {\"type\":\"test\",\"name\":\"A-1::c\",\"level\":\"must\"}\n\
        {\"type\":\"test\",\"name\":\"A-1::a\",\"level\":\"rfc\"}\n\
        {\"type\":\"test\",\"name\":\"A-1::d\",\"level\":\"must\"}\n";
    let shown = manifest_changes(committed, listed);
    assert!(
        shown.contains("~ <manifest>") && shown.contains("1.1.0"),
        "{shown}"
    );
    assert!(
        shown.contains("~ A-1::a") && shown.contains("\"level\":\"rfc\""),
        "{shown}"
    );
    assert!(
        shown.contains("  - ") && shown.contains("A-1::b"),
        "{shown}"
    );
    assert!(
        shown.contains("  + ") && shown.contains("A-1::d"),
        "{shown}"
    );
    assert!(shown.contains("run order"), "{shown}");
    assert!(!manifest_changes(committed, committed).contains("run order"));
}

/// The manifest's first line says which tool and which SPEC.md the list belongs to; the
/// header is there whatever the filter, alone when nothing is listed (`--ignored`: no case is
/// ignored before a run).
#[test]
fn the_manifest_starts_with_its_versions() {
    let header = |args: &[&str]| -> (Value, usize) {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let listed = text(&out.stdout);
        let mut lines = listed.lines();
        let header: Value = serde_json::from_str(lines.next().expect("a header line")).unwrap();
        (header, lines.count())
    };
    let (full, cases) = header(&["--list", "--format", "json"]);
    assert_eq!(
        full,
        serde_json::json!({
            "type": "manifest",
            "suite": "server",
            "tool": "terminus-conformance",
            "tool_version": env!("CARGO_PKG_VERSION"),
            "spec_version": "1.1.0",
        })
    );
    assert!(cases > 200, "{cases}");
    let (filtered, cases) = header(&["--list", "--format", "json", "KEY-1::"]);
    assert_eq!(filtered, full);
    assert!((1..20).contains(&cases), "{cases}");
    let (ignored, cases) = header(&["--list", "--format", "json", "--ignored"]);
    assert_eq!((ignored, cases), (full, 0));
}

#[test]
fn diff_names_the_regressions_and_exits_101() {
    let dir = scratch("diff");
    let passing = dir.join("passing.json");
    let out = run(&["OK-1::", "--report", passing.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The same run, one case failing and one more case: what a regression looks like.
    let mut report: Value = serde_json::from_slice(&std::fs::read(&passing).unwrap()).unwrap();
    let name = report["cases"][0]["name"].as_str().unwrap().to_owned();
    report["cases"][0]["verdict"] = "fail".into();
    report["cases"][1]["duration_ms"] = 12345.into();
    report["run"]["seed"] = 1.into();
    let mut added = report["cases"][1].clone();
    added["name"] = "OK-1::a_new_case".into();
    report["cases"].as_array_mut().unwrap().push(added);
    let failing = dir.join("failing.json");
    std::fs::write(&failing, report.to_string()).unwrap();

    let same = run(&["diff", passing.to_str().unwrap(), passing.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stdout));
    assert!(text(&same.stdout).contains("0 regressions"));

    // R-8: into a pipe whose reader is gone (`| head`), quietly, with the same exit status.
    let mut child = Command::new(BIN)
        .args(["diff", passing.to_str().unwrap(), failing.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the runner starts");
    drop(child.stdout.take());
    let piped = child.wait_with_output().expect("the runner ends");
    assert_eq!(piped.status.code(), Some(101), "{}", text(&piped.stderr));
    assert!(text(&piped.stderr).is_empty(), "{}", text(&piped.stderr));

    let out = run(&["diff", passing.to_str().unwrap(), failing.to_str().unwrap()]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(101), "{shown}");
    assert!(
        shown.contains("regressions (did not fail, now fail): 1"),
        "{shown}"
    );
    assert!(
        shown.contains(name.as_str()) && shown.contains("pass -> fail"),
        "{shown}"
    );
    assert!(
        shown.contains("cases added: 1") && shown.contains("OK-1::a_new_case"),
        "{shown}"
    );
    assert!(
        !shown.contains("12345") && !shown.contains("seed"),
        "durations and seeds ignored: {shown}"
    );

    let json = run(&[
        "diff",
        "--format",
        "json",
        passing.to_str().unwrap(),
        failing.to_str().unwrap(),
    ]);
    assert_eq!(json.status.code(), Some(101));
    let value: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["regressions"][0]["name"], name.as_str());
    assert_eq!(value["fixes"], serde_json::json!([]));

    // And back: the regression is a fix.
    let back = run(&["diff", failing.to_str().unwrap(), passing.to_str().unwrap()]);
    assert_eq!(back.status.code(), Some(0));
    assert!(text(&back.stdout).contains("fixes (failed, now pass): 1"));

    // pass -> inconclusive is coverage lost, not a regression: listed, exit 0.
    let mut report: Value = serde_json::from_slice(&std::fs::read(&passing).unwrap()).unwrap();
    let lost = report["cases"][2]["name"].as_str().unwrap().to_owned();
    report["cases"][2]["verdict"] = "inconclusive".into();
    let unsure = dir.join("inconclusive.json");
    std::fs::write(&unsure, report.to_string()).unwrap();
    let out = run(&["diff", passing.to_str().unwrap(), unsure.to_str().unwrap()]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("other verdict changes: 1")
            && shown.contains(&lost)
            && shown.contains("pass -> inconclusive")
            && shown.contains("0 regressions"),
        "{shown}"
    );

    // R-11: pass -> not judged (ignored, the reason saying so) is coverage lost, shown as such.
    let mut report: Value = serde_json::from_slice(&std::fs::read(&passing).unwrap()).unwrap();
    report["cases"][2]["verdict"] = "ignored".into();
    report["cases"][2]["evidence"] = serde_json::json!(["not judged: HEAD was answered 405"]);
    let unjudged = dir.join("not-judged.json");
    std::fs::write(&unjudged, report.to_string()).unwrap();
    let out = run(&[
        "diff",
        passing.to_str().unwrap(),
        unjudged.to_str().unwrap(),
    ]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(&lost)
            && shown.contains("pass -> ignored (not judged)")
            && shown.contains("0 regressions"),
        "{shown}"
    );

    // A manifest against a report: case sets and levels, never verdicts (no 101 for the fail).
    let manifest = dir.join("manifest.jsonl");
    std::fs::write(
        &manifest,
        run(&["--list", "--format", "json", "OK-1::"]).stdout,
    )
    .unwrap();
    let out = run(&[
        "diff",
        manifest.to_str().unwrap(),
        failing.to_str().unwrap(),
    ]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("case sets and levels compared, not verdicts")
            && shown.contains("cases added: 1")
            && shown.contains("OK-1::a_new_case")
            && !shown.contains("regressions ("),
        "{shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The manifests of the server suite and of client grading share no case: diff says so, as a likely
/// mix-up, rather than only listing every case as added and removed.
#[test]
fn diff_of_unrelated_lists_says_no_case_is_in_common() {
    let dir = scratch("unrelated");
    let server = dir.join("server.jsonl");
    let client = dir.join("client.jsonl");
    std::fs::write(
        &server,
        run(&["--list", "--format", "json", "KEY-1::"]).stdout,
    )
    .unwrap();
    std::fs::write(
        &client,
        run(&["client", "--list", "--format", "json"]).stdout,
    )
    .unwrap();
    let out = run(&["diff", server.to_str().unwrap(), client.to_str().unwrap()]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("no case in common"), "{shown}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_of_manifests_shows_cases_added_and_removed() {
    let dir = scratch("manifests");
    let full = dir.join("full.jsonl");
    let part = dir.join("part.jsonl");
    std::fs::write(&full, run(&["--list", "--format", "json"]).stdout).unwrap();
    std::fs::write(&part, run(&["--list", "--format", "json", "KEY-"]).stdout).unwrap();
    let out = run(&["diff", part.to_str().unwrap(), full.to_str().unwrap()]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("cases added:") && shown.contains("ERR-2::"),
        "{shown}"
    );
    assert!(
        shown.contains("(manifest,") && shown.contains("SPEC 1.1.0"),
        "{shown}"
    );
    let out = run(&["diff", full.to_str().unwrap(), part.to_str().unwrap()]);
    assert!(text(&out.stdout).contains("cases removed:"));

    // 0.1.0's manifest had no header line: read all the same, its versions unknown.
    let listed = std::fs::read_to_string(&full).unwrap();
    let headerless = dir.join("0.1.0.jsonl");
    std::fs::write(&headerless, listed.split_once('\n').unwrap().1).unwrap();
    let out = run(&["diff", headerless.to_str().unwrap(), full.to_str().unwrap()]);
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(&format!(
            "(manifest, {} cases, tool ?, SPEC ?)",
            listed.lines().count() - 1
        )) && shown.contains("0 added, 0 removed"),
        "{shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_of_something_else_is_exit_2_naming_the_file() {
    let dir = scratch("bad");
    let junk = dir.join("notes.txt");
    std::fs::write(&junk, "hello\n").unwrap();
    let out = run(&["diff", junk.to_str().unwrap(), junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("notes.txt") && stderr.contains("expected a JSON report"),
        "{stderr}"
    );
    let out = run(&["diff", "/no/such/report.json", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/no/such/report.json"));

    // A verdict word the runner never writes names the case and the words it does.
    let odd = dir.join("odd.json");
    std::fs::write(
        &odd,
        r#"{"cases":[{"name":"KEY-1::x","clause":"KEY-1","level":"must","verdict":"passed"}]}"#,
    )
    .unwrap();
    let out = run(&["diff", odd.to_str().unwrap(), odd.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("odd.json")
            && stderr.contains("KEY-1::x")
            && stderr.contains("\"passed\"")
            && stderr.contains("pass, fail, ignored, inconclusive"),
        "{stderr}"
    );

    // R-6: a run that could not reach its target still writes a report; diff says no case
    // ran rather than calling every case removed.
    let errored = dir.join("errored.json");
    let out = run(&[
        "--target",
        "https://127.0.0.1:9",
        "--no-key",
        "--report",
        errored.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let listed = dir.join("listed.jsonl");
    std::fs::write(&listed, run(&["--list", "--format", "json"]).stdout).unwrap();
    let out = run(&["diff", listed.to_str().unwrap(), errored.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("errored.json")
            && stderr.contains("errored before its cases (exit status 3")
            && stderr.contains("127.0.0.1:9"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--version`, of the runner and of its `client` command, names the SPEC.md version it checks.
#[test]
fn the_runner_says_which_spec_it_checks() {
    for args in [&["--version"][..], &["client", "--version"]] {
        let out = run(args);
        assert!(out.status.success());
        assert_eq!(
            text(&out.stdout).trim(),
            format!(
                "terminus-conformance {} (SPEC 1.1.0)",
                env!("CARGO_PKG_VERSION")
            )
        );
    }
    let spec = std::fs::read_to_string(repo().join("SPEC.md")).unwrap();
    assert!(spec.lines().take(10).any(|l| l == "Spec version: 1.1.0"));
}

/// The report and the manifest list cases in the same order, with the same verdict words.
#[test]
fn report_and_manifest_share_order_and_words() {
    let dir = scratch("order");
    let report = dir.join("r.json");
    let out = run(&["KEY-1::", "--report", report.to_str().unwrap()]);
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let in_report: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let listed = text(&run(&["--list", "--format", "json", "KEY-1::"]).stdout);
    let in_manifest: Vec<String> = listed
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "test")
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(in_report, in_manifest);
    let summary = report["summary"].as_object().unwrap();
    for word in ["pass", "fail", "ignored", "inconclusive"] {
        assert!(summary.contains_key(word), "{summary:?}");
    }
    assert_eq!(report["spec_version"], "1.1.0");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The axis table in `conformance/README.md` (between `<!-- axes:begin -->` and
/// `<!-- axes:end -->`) is what `terminus-conformance axes` prints: adding a value to an axis
/// changes the README in the same commit.
#[test]
fn the_readme_axis_table_is_what_the_runner_prints() {
    let readme = std::fs::read_to_string(repo().join("conformance/README.md"))
        .expect("conformance/README.md is committed");
    let begin = readme
        .find("<!-- axes:begin -->\n")
        .expect("the README has the axes:begin marker");
    let end = readme
        .find("<!-- axes:end -->")
        .expect("the README has the axes:end marker");
    let copied = &readme[begin + "<!-- axes:begin -->\n".len()..end];
    let printed = run(&["axes"]);
    assert!(
        printed.status.success(),
        "`terminus-conformance axes` failed"
    );
    let printed = text(&printed.stdout);
    assert!(
        printed.lines().count() > 3,
        "the table is empty:\n{printed}"
    );
    assert!(
        copied == printed,
        "conformance/README.md's axis table differs from `terminus-conformance axes`; run \
         `make axes-table` and commit the README.\nREADME:\n{copied}\nprinted:\n{printed}"
    );
}
