"""Tests of table.py (make interop runs them first): python3 -m unittest discover -s interop"""
import json
import pathlib
import tempfile
import unittest

import table

ROUTE_EVIDENCE = """ROUTE-1 violated: 2 of 3 requests answered wrongly (statuses seen: 401×1, 404×2)
  requirement: there are no unauthenticated routes
  request:  GET /health   [HTTP/1.1]
  expected: 401 (the envelope): no request without a valid key is routed
  actual:   404 (HTTP/1.1); content-type: text/html; body: <!doctype html>
  request:  HEAD /health   [HTTP/2]
  expected: 401 (the envelope): no request without a valid key is routed
  actual:   404 (HTTP/2); content-type: text/html; empty body"""

# The runner's made-up other key, built here so that no key-shaped literal is in the file.
OTHER_KEY = "thub_" + "conformance_other_key_" + "0" * 13
DUP_EVIDENCE = """HDR-4 violated: 1 of 1 requests answered wrongly (statuses seen: 200×1)
  request:  GET /v1/account
    Authorization: Bearer <valid key>
    Authorization: Bearer OTHER_KEY   [HTTP/1.1]
  expected: 401 (the envelope) or 400: this must not authenticate
  actual:   200 (HTTP/1.1); content-type: application/json; body: {"object":"account"}""".replace(
    "OTHER_KEY", OTHER_KEY)


def case(name, verdict="fail", evidence=""):
    return {"name": name, "clause": name.split("::")[0], "level": "must", "verdict": verdict,
            "evidence": [evidence], "duration_ms": 1.0}


def report(cases, **extra):
    return {"run": {"http2": False}, "summary": {}, "cases": cases, **extra}


def meta(stack, status=101):
    return {"stack": stack, "exit_status": status, "seconds": 1.0, "versions": {"X": "1"},
            "runner_commit": "abc1234", "seed": 1, "secrets": "ok"}


class Fallback(unittest.TestCase):
    def test_failed_cases_are_grouped_by_clause_then_by_wrong_answer(self):
        r = report([case("ROUTE-1::operational_path_health", evidence=ROUTE_EVIDENCE),
                    case("ROUTE-1::unknown_paths", evidence=ROUTE_EVIDENCE),
                    case("HDR-4::duplicate_field_valid_first", evidence=DUP_EVIDENCE),
                    case("OK-1::get_v1_account", verdict="pass")])
        groups = table.by_clause(r)
        self.assertEqual([g[0] for g in groups], ["ROUTE-1", "HDR-4"])
        clause, cases, seen = groups[0]
        self.assertEqual(len(cases), 2)
        self.assertEqual(seen[0], ("404; content-type: text/html; body <!doctype html>", 2, "GET /health"))
        self.assertEqual(seen[1], ("404; content-type: text/html; empty body", 2, "HEAD /health"))

    def test_an_accepted_request_shows_its_fields_and_no_key_shaped_string(self):
        (request, answer), = table.answers(case("HDR-4::x", evidence=DUP_EVIDENCE))
        self.assertEqual(answer, "200 (accepted)")
        self.assertIn("Authorization: Bearer <valid key>; Authorization: Bearer thub_conforma…", request)
        self.assertNotRegex(request, r"thub_[A-Za-z0-9_]{20}")


class Findings(unittest.TestCase):
    def test_findings_replace_the_grouping_when_the_report_has_them(self):
        r = report([case("ROUTE-1::unknown_paths", evidence=ROUTE_EVIDENCE)],
                   findings=[{"clause": "ROUTE-1", "axis": "path", "summary": "404 before authentication",
                              "cases": ["ROUTE-1::unknown_paths", "ROUTE-1::root"],
                              "likely_fix": "authenticate before routing", "curl": "curl -i https://h/nope"}])
        text = table.markdown([(meta("fastapi"), r)])
        self.assertIn("- **ROUTE-1** (path): 404 before authentication — 2 cases", text)
        self.assertIn("likely fix: authenticate before routing", text)
        self.assertIn("1 findings, 1 of 1", text)
        self.assertNotIn("×2, e.g.", text)


class Section(unittest.TestCase):
    def test_a_variant_counts_what_it_fails_beyond_its_base(self):
        base = report([case("HDR-4::duplicate_field_valid_first", evidence=DUP_EVIDENCE)])
        variant = report([case("HDR-4::duplicate_field_valid_first", evidence=DUP_EVIDENCE),
                          case("ROUTE-1::root", evidence=ROUTE_EVIDENCE)])
        text = table.markdown([(meta("go"), base), (meta("go-close"), variant)])
        self.assertIn("**1 failed cases more than `go`**", text)

    def test_a_variant_the_runner_did_not_judge_says_so(self):
        base = report([case("HDR-4::duplicate_field_valid_first", evidence=DUP_EVIDENCE)])
        errored = {"cases": [{"name": "terminus-conformance::run", "clause": None, "level": None,
                              "verdict": "error", "evidence": ["cannot reach"], "duration_ms": 0.0}],
                   "error": {"exit_status": 3, "kind": "unreachable",
                             "message": "cannot reach https://127.0.0.1:52581: no ALPN"}}
        text = table.markdown([(meta("fastify"), base), (meta("fastify-h2", status=3), errored)])
        self.assertIn("**judged nothing** (exit 3) where `fastify`", text)
        self.assertIn("- the runner: `cannot reach https://127.0.0.1:PORT: no ALPN`", text)
        self.assertIn("| — | 3 (unreachable / inconclusive) | 0 of 0 |", text)

    def test_a_stack_that_did_not_install_has_a_row_saying_so(self):
        m = dict(meta("hono", status=None), not_run="did not install")
        text = table.markdown([(m, None)])
        self.assertIn("not run: did not install", text)

    def test_the_readme_changes_between_the_markers_only(self):
        with tempfile.TemporaryDirectory() as d:
            readme = pathlib.Path(d, "README.md")
            readme.write_text(f"# x\nbefore\n{table.BEGIN}\nold table\n{table.END}\nafter\n")
            table.readme_section.rewrite(readme, table.BEGIN, table.END, "new table")
            self.assertEqual(readme.read_text(), f"# x\nbefore\n{table.BEGIN}\nnew table\n{table.END}\nafter\n")
            readme.write_text("no markers\n")
            with self.assertRaises(SystemExit):
                table.readme_section.rewrite(readme, table.BEGIN, table.END, "new table")

    def test_load_reads_meta_and_report_in_table_order(self):
        with tempfile.TemporaryDirectory() as d:
            for stack in ("go", "fastapi"):
                pathlib.Path(d, f"{stack}.meta.json").write_text(json.dumps(meta(stack)))
                pathlib.Path(d, f"{stack}.json").write_text(json.dumps(report([])))
            self.assertEqual([m["stack"] for m, _ in table.load(d)], ["fastapi", "go"])


if __name__ == "__main__":
    unittest.main()
