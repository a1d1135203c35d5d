//! The `--html` page in a real browser: headless Chromium (Debian's `chromium`; `make test`
//! installs it) loads the page of a run against a server that breaks ERR-2 with markup in its
//! envelope's `message`, and the DOM Chromium built is checked — a matrix row per clause that
//! has cases, ERR-2's row failed and the others not, every failing case open, the markup shown
//! as text (no script or image element), no piece of a key, nothing fetched from elsewhere, and
//! the run's findings above the matrix.
//!
//! Without Chromium the test says so and passes, unless `TERMINUS_REQUIRE_CHROMIUM=1` (as
//! `make test` sets it). `TERMINUS_SCREENSHOT_DIR=DIR` also saves `report.png` (1280×1600)
//! and `report-mobile.png` (390×844) there: `docs/report.png` is made so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::fake_api::{Fault, MARKUP, REVOKED, VALID};
use super::runner::run_against;
use super::servers::{start, Flavor};

/// Chromium: `$CHROMIUM`, else `chromium` or `chromium-browser` on the `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium on `page` with `args`; its stdout, and how long it took.
fn headless(chromium: &Path, page: &Path, args: &[&str]) -> (String, Duration) {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let profile = page.with_file_name(format!(
        "chromium-profile-{}",
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let started = Instant::now();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).map(|_| out)
    });
    // Generous: one page, but two cores shared with the rest of the tests.
    while child.try_wait().expect("wait for chromium").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish {args:?} within 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    let out = reader.join().expect("reader").expect("chromium's output");
    let _ = std::fs::remove_dir_all(&profile);
    (out, elapsed)
}

/// The value of `name="…"` in each start tag of `tag` whose text holds `marker`.
fn attribute_of_each<'a>(dom: &'a str, tag: &str, marker: &str, name: &str) -> Vec<&'a str> {
    dom.split(&format!("<{tag} "))
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or_default())
        .filter(|attributes| attributes.contains(marker))
        .map(|attributes| {
            attributes
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .unwrap_or_default()
        })
        .collect()
}

/// The one key-shaped text a failure message may show: the made-up key ERR-2 and ERR-3 send
/// as the "unknown key" cause (`src/cases/error/causes.rs`), which no deployment issued.
const UNRECOGNIZED: &str = "thub_conformance_unrecognized_key_000000";

/// True when `text` holds `thub_` followed by 10 or more letters or digits, [`UNRECOGNIZED`]
/// aside.
fn holds_a_key_shape(text: &str) -> bool {
    let text = text.replace(UNRECOGNIZED, "");
    text.match_indices("thub_").any(|(i, _)| {
        text[i + 5..]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count()
            >= 10
    })
}

#[test]
fn the_html_report_of_a_broken_server_renders_in_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("TERMINUS_REQUIRE_CHROMIUM").is_none(),
            "TERMINUS_REQUIRE_CHROMIUM is set and no chromium is on the PATH (apt-get install chromium)"
        );
        eprintln!("SKIPPED: no chromium on the PATH (or $CHROMIUM): the --html page is not rendered; `make test` installs it");
        return;
    };
    let server = start(Fault::MarkupInMessage, Flavor::Raw);
    let run = run_against("html", &server, &[]);
    assert_eq!(run.status, 101, "{}", run.stderr);
    assert_eq!(
        run.failed_clauses().into_iter().collect::<Vec<_>>(),
        ["ERR-2"]
    );
    assert!(
        run.html.contains("&lt;script&gt;"),
        "the markup is in the page, as text"
    );

    let (dom, took) = headless(&chromium, &run.html_path, &["--dump-dom"]);
    eprintln!(
        "chromium rendered the --html page ({} bytes, {} cases) in {:.2} s",
        run.html.len(),
        run.report["cases"].as_array().map_or(0, Vec::len),
        took.as_secs_f64()
    );
    assert!(
        dom.contains("class=\"matrix\""),
        "a DOM came back: {dom:.300}"
    );

    // A row per clause that has cases, ERR-2's failed, no other.
    let clauses_with_cases: BTreeSet<String> = run.report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["clause"].as_str().unwrap_or_default().to_owned())
        .collect();
    let rows = attribute_of_each(&dom, "tr", "data-clause", "data-clause");
    assert_eq!(
        rows.iter().map(|r| r.to_string()).collect::<BTreeSet<_>>(),
        clauses_with_cases
    );
    assert_eq!(
        rows.len(),
        clauses_with_cases.len(),
        "one row each: {rows:?}"
    );
    let failed_rows: Vec<&str> =
        attribute_of_each(&dom, "tr", "data-verdict=\"fail\"", "data-clause");
    assert_eq!(failed_rows, ["ERR-2"]);
    assert!(
        dom.contains(">FAIL</span>"),
        "the failed row says so in words"
    );

    // the findings come first, above the matrix: one per finding in the JSON report,
    // each naming its clause and linking to the cases it explains.
    let findings = run.report["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    let (findings_at, matrix_at) = (
        dom.find("id=\"findings\"").expect("a findings section"),
        dom.find("id=\"clauses\"").expect("a clause matrix"),
    );
    assert!(findings_at < matrix_at, "findings above the matrix");
    let items = attribute_of_each(&dom, "li", "class=\"finding\"", "data-finding-clause");
    assert_eq!(items.len(), findings.len(), "{items:?}");
    assert!(items.iter().all(|c| *c == "ERR-2"), "{items:?}");
    assert!(
        dom.contains("href=\"#case-ERR-2::"),
        "a finding links to its cases"
    );

    // Every failing case open, and listed before every other; the passes closed.
    let verdicts = attribute_of_each(&dom, "details", "data-verdict", "data-verdict");
    let failed = run.failed().len();
    assert!(
        failed > 0 && verdicts[..failed].iter().all(|v| *v == "fail"),
        "{verdicts:?}"
    );
    for attributes in dom
        .split("<details ")
        .skip(1)
        .map(|d| d.split('>').next().unwrap())
    {
        let is_open = attributes.contains(" open=");
        if attributes.contains("data-verdict=\"fail\"") {
            assert!(is_open, "a failing case is open: <details {attributes}>");
        } else if attributes.contains("data-verdict=\"pass\"") {
            assert!(!is_open, "a passing case is closed: <details {attributes}>");
        }
    }

    // The target's markup is text: no element came of it.
    assert!(!dom.contains("<script"), "no script element");
    assert!(!dom.contains("<img"), "no image element");
    assert!(!dom.contains("pwned</title>"));
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));

    // Nothing fetched, no key. (A serialized DOM escapes `<` in text: every `<` opens a tag.)
    for tag in dom.split('<').skip(1).map(|t| t.split('>').next().unwrap()) {
        assert!(!tag.contains("src="), "no resource is referenced: <{tag}>");
        assert!(
            !tag.contains("href=\"http"),
            "no link leaves the page: <{tag}>"
        );
    }
    assert!(!holds_a_key_shape(&dom) && !holds_a_key_shape(&run.html));
    for key in [VALID, REVOKED] {
        for piece in (0..=key.len() - 10).map(|i| &key[i..i + 10]) {
            assert!(!dom.contains(piece), "the page holds {piece:?}");
        }
    }
    assert!(MARKUP.contains("<script>"));

    if let Some(dir) = std::env::var_os("TERMINUS_SCREENSHOT_DIR") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("the screenshot directory");
        for (file, size) in [
            ("report.png", "1280,1600"),
            ("report-mobile.png", "390,844"),
        ] {
            let path = dir.join(file);
            headless(
                &chromium,
                &run.html_path,
                &[
                    &format!("--screenshot={}", path.display()),
                    &format!("--window-size={size}"),
                ],
            );
            assert!(path.is_file(), "chromium wrote {}", path.display());
            eprintln!("screenshot: {}", path.display());
        }
    }
}

#[test]
fn a_key_shape_is_found() {
    assert!(holds_a_key_shape("x thub_0123456789 y"));
    assert!(!holds_a_key_shape("x thub_012345678 y, thub_… <redacted>"));
    assert!(!holds_a_key_shape(&format!(
        "Bearer {UNRECOGNIZED} [HTTP/1.1]"
    )));
}
