"""Tests of interop/clients/table.py: how a grading is compared with a client's prediction
(`python3 -m unittest discover -s interop/clients`, run first by `make interop-clients`)."""
import json
import pathlib
import tempfile
import unittest

import table

TODAY = ["valid_key", "revoked_key", "redirect_to_other_origin", "redirect_to_http", "untrusted_ca"]
CLAUSES = {
    "valid_key": ["CLI-1", "CLI-2"],
    "revoked_key": ["CLI-1", "CLI-6"],
    "redirect_to_other_origin": ["CLI-1", "CLI-4"],
    "redirect_to_http": ["CLI-1", "CLI-4"],
    "untrusted_ca": ["CLI-5"],
    "redirect_307_same_host_other_port": ["CLI-4"],
    "redirect_307_same_host_port_over_http": ["CLI-4"],
    "redirect_307_same_origin_path": ["CLI-4"],
}


def report(failed=(), scenarios=TODAY):
    """A `client --report` with every trial of SCENARIOS, FAILED ("CLI-4::x") failing."""
    cases = [{"name": f"{c}::{s}", "clause": c, "verdict": "fail" if f"{c}::{s}" in failed else "pass"}
             for s in scenarios for c in CLAUSES[s]]
    return {"cases": cases}


def client(**fields):
    return {"name": "c", "stack": "c", "advisory": "a", "set": "py/x", "program": ["p"], "versions": [], **fields}


class OriginChange(unittest.TestCase):
    def test_todays_scenarios_are_known(self):
        self.assertEqual(table.origin_change("redirect_to_other_origin"), {"host", "port"})
        self.assertEqual(table.origin_change("redirect_to_http"), {"scheme", "host", "port"})

    def test_the_redirect_space(self):
        self.assertEqual(table.origin_change("redirect_307_same_host_other_port"), {"port"})
        self.assertEqual(table.origin_change("redirect_308_same_host_port_over_http"), {"scheme"})
        self.assertEqual(table.origin_change("redirect_301_same_host_other_port_over_http"), {"scheme", "port"})
        self.assertEqual(table.origin_change("redirect_302_other_host_same_port"), {"host"})
        self.assertEqual(table.origin_change("redirect_303_other_host_port_over_http"), {"scheme", "host", "port"})
        self.assertEqual(table.origin_change("redirect_307_other_host_same_port_network_path"), {"host"})
        self.assertEqual(table.origin_change("redirect_302_same_host_other_port_over_http_and_back"), {"scheme", "port"})
        self.assertEqual(table.origin_change("redirect_307_same_origin_path"), set())

    def test_other_names_are_not_guessed(self):
        self.assertIsNone(table.origin_change("redirect_relative"))
        self.assertIsNone(table.origin_change("redirect_307_somewhere_else"))
        self.assertIsNone(table.origin_change("untrusted_ca"))

    def test_leak_entries(self):
        self.assertEqual(table.parse_change("scheme+port"), {"scheme", "port"})
        self.assertIsNone(table.parse_change("any"))
        with self.assertRaises(ValueError):
            table.parse_change("path")


class Compare(unittest.TestCase):
    def test_a_pass_prediction_holds_when_all_pass(self):
        self.assertEqual(table.compare(client(expect="pass"), report(), 0)[0], "as predicted")

    def test_a_pass_prediction_fails_on_any_failure_or_exit(self):
        state, lines, _ = table.compare(client(expect="pass"), report(["CLI-1::valid_key"]), 101)
        self.assertEqual(state, "differs")
        self.assertIn("unexpected failure: CLI-1::valid_key", lines)
        self.assertEqual(table.compare(client(expect="pass"), report(), 3)[0], "differs")

    def test_a_leak_on_every_change_must_fail_every_redirect(self):
        c = client(expect="fail", leaks=["any"])
        both = report(["CLI-4::redirect_to_other_origin", "CLI-4::redirect_to_http"])
        self.assertEqual(table.compare(c, both, 101)[0], "as predicted")
        state, lines, _ = table.compare(c, report(["CLI-4::redirect_to_http"]), 101)
        self.assertEqual(state, "differs")
        self.assertIn("predicted failure not seen: CLI-4::redirect_to_other_origin passed", lines)

    def test_a_same_host_leak_waits_for_a_same_host_scenario(self):
        c = client(expect="fail", leaks=["scheme", "port"])
        state, lines, waits = table.compare(c, report(), 0)
        self.assertEqual((state, lines, waits), ("waits", [], ["scheme", "port"]))
        # ...and the host-changing redirects it must still pass:
        state, lines, _ = table.compare(c, report(["CLI-4::redirect_to_http"]), 101)
        self.assertEqual(state, "differs")
        self.assertIn("unexpected failure: CLI-4::redirect_to_http", lines)

    def test_a_same_host_leak_is_checked_once_the_scenario_exists(self):
        c = client(expect="fail", leaks=["port"])
        scenarios = TODAY + ["redirect_307_same_host_other_port", "redirect_307_same_host_port_over_http"]
        caught = report(["CLI-4::redirect_307_same_host_other_port"], scenarios)
        self.assertEqual(table.compare(c, caught, 101)[:2], ("as predicted", []))
        missed = report([], scenarios)
        state, lines, _ = table.compare(c, missed, 0)
        self.assertEqual(state, "differs")
        self.assertIn("predicted failure not seen: CLI-4::redirect_307_same_host_other_port passed", lines)

    def test_many_misses_of_one_clause_make_one_line(self):
        scenarios = ["redirect_30%d_same_host_other_port" % n for n in (1, 2, 3, 7, 8)]
        for s in scenarios:
            CLAUSES[s] = ["CLI-4"]
        state, lines, _ = table.compare(client(expect="fail", leaks=["port"]), report([], scenarios), 101)
        self.assertEqual(lines, ["predicted failure not seen: CLI-4 in 5 scenarios (redirect_301_same_host_other_port, …) passed"])

    def test_a_leak_everywhere_still_passes_the_same_origin_control(self):
        c = client(expect="fail", leaks=["any"])
        scenarios = TODAY + ["redirect_307_same_origin_path"]
        both = report(["CLI-4::redirect_to_other_origin", "CLI-4::redirect_to_http"], scenarios)
        self.assertEqual(table.compare(c, both, 101)[0], "as predicted")

    def test_an_unknown_redirect_scenario_is_reported_not_skipped(self):
        scenarios = TODAY + ["redirect_307_same_host_other_port"]
        CLAUSES["redirect_relative"] = ["CLI-4"]
        state, lines, _ = table.compare(client(expect="pass"), report([], scenarios + ["redirect_relative"]), 0)
        self.assertEqual(state, "differs")
        self.assertTrue(any("redirect_relative" in line for line in lines))

    def test_named_failures_are_exact(self):
        c = client(expect="fail", fails=[{"clause": "CLI-5", "scenarios": ["untrusted_ca"]}])
        self.assertEqual(table.compare(c, report(["CLI-5::untrusted_ca"]), 101)[0], "as predicted")
        state, lines, _ = table.compare(c, report(["CLI-5::untrusted_ca", "CLI-6::revoked_key"]), 101)
        self.assertEqual(state, "differs")
        self.assertIn("unexpected failure: CLI-6::revoked_key", lines)

    def test_a_clause_in_any_scenario(self):
        c = client(expect="fail", fails=[{"clause": "CLI-1", "scenarios": "any"}])
        self.assertEqual(table.compare(c, report(["CLI-1::valid_key", "CLI-1::revoked_key"]), 101)[0], "as predicted")
        state, lines, _ = table.compare(c, report(), 0)
        self.assertIn("predicted CLI-1 failure not seen in any scenario", lines)

    def test_a_setup_problem_must_not_be_a_violation(self):
        c = client(expect="setup")
        self.assertEqual(table.compare(c, report(), 3)[0], "as predicted")
        state, lines, _ = table.compare(c, report(["CLI-1::valid_key"]), 101)
        self.assertEqual(state, "differs")
        self.assertIn("a setup problem was reported as violations", lines)
        self.assertEqual(table.compare({**c, "pending": "why"}, report(["CLI-1::valid_key"]), 101)[0], "pending")


class Measured(unittest.TestCase):
    def test_a_prediction_missed_because_not_judged_says_so(self):
        r = report(["CLI-1::valid_key"])
        for case in r["cases"]:
            if case["name"] == "CLI-4::redirect_to_http":
                case["verdict"] = "ignored"
        c = client(expect="fail", leaks=["any"], fails=[{"clause": "CLI-1", "scenarios": "any"}])
        _, lines, _ = table.compare(c, r, 101)
        self.assertIn("predicted failure not seen: CLI-4::redirect_to_http not judged", lines)
        self.assertIn("predicted failure not seen: CLI-4::redirect_to_other_origin passed", lines)
        self.assertTrue(table.measured_text({"exit_status": 101}, r).endswith("; 1 not judged"))

    def test_a_setup_problem_shows_its_message(self):
        r = {"cases": [{"name": "setup", "clause": None, "verdict": "fail"}],
             "error": {"kind": "setup", "message": "setup problem, not a violation: the CA"}}
        self.assertEqual(table.measured_text({"exit_status": 3}, r),
                         "exit 3 (setup problem / inconclusive): setup problem, not a violation: the CA")


class Catalogue(unittest.TestCase):
    def test_the_committed_catalogue_reads(self):
        clients = table.catalogue()
        names = [c["name"] for c in clients]
        self.assertEqual(len(names), len(set(names)))
        for c in clients:
            program = pathlib.Path(table.HERE, c["program"][0])
            self.assertTrue(program.exists(), program)
            kind, _, name = c["set"].partition("/")
            if kind == "py":
                self.assertTrue((table.HERE / "python/sets" / name / "requirements.txt").exists(), c["set"])
            elif name:
                self.assertTrue((table.HERE / "node/sets" / name / "package-lock.json").exists(), c["set"])

    def test_plan_rejects_unknown_names(self):
        with self.assertRaises(SystemExit):
            list(table.plan_lines(table.catalogue(), ["no-such-client"]))


class Section(unittest.TestCase):
    def test_readme_section_rewritten_between_markers(self):
        with tempfile.TemporaryDirectory() as d:
            reports = pathlib.Path(d)
            (reports / "c.json").write_text(json.dumps(report()))
            (reports / "c.meta.json").write_text(json.dumps(
                {"client": "c", "exit_status": 0, "seconds": 1.0, "versions": {"x": "1"}, "runner_commit": "abc"}))
            rows = [(client(expect="pass"), *table.load_runs(reports)["c"], "as predicted", [], [])]
            readme = reports / "README.md"
            readme.write_text(f"top\n{table.BEGIN}\nold\n{table.END}\nbottom\n")
            table.readme_section.rewrite(readme, table.BEGIN, table.END, table.markdown(rows))
            text = readme.read_text()
            self.assertNotIn("old", text)
            self.assertIn("| c | x 1 | a | pass | exit 0 (pass): 9 of 9 pass | as predicted |", text)
            self.assertTrue(text.startswith("top\n") and text.endswith("bottom\n"))


if __name__ == "__main__":
    unittest.main()
