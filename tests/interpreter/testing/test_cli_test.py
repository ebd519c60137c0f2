"""python -m interpreter test: exit codes, the summary line, diagnostics with JSON Pointers, JUnit XML."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from interpreter.cli import main

from .helpers import BANK_INPUT, SAMPLES

XSD = Path(__file__).with_name("junit-ant.xsd")
BANK = SAMPLES / "account-application.asl.json"
BANK_MOCKS = SAMPLES / "account-application.mocks.json"


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main(["test", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def junit_schema():
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is in the test extra")
    return xmlschema.XMLSchema(str(XSD))


@pytest.mark.parametrize("slug", ["break-glass-access", "nutrition-labels"])
def test_the_samples_pass_their_shipped_expectations(capsys, tmp_path, slug):
    report = tmp_path / "junit.xml"
    code, out, err = cli(capsys, SAMPLES / f"{slug}.asl.json", "--mock-config", SAMPLES / f"{slug}.mocks.json",
                         "--cases", SAMPLES / f"{slug}.tests.yaml", "--junit", report, "--coverage")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("4/4 pass in ") and "coverage: states " in out
    junit_schema().validate(str(report))


def test_a_failing_expectation_exits_1_and_is_reported_in_words_and_in_junit(capsys, tmp_path):
    cases = write(tmp_path, "tests.yaml", f"""
input: {json.dumps(BANK_INPUT)}
testCases:
  CleanApplication:
    expect: {{passesThrough: [Wait For Review]}}
  FlaggedAddressApprovedByReviewer:
    expect: {{outputContains: {{reviewDecision: {{approved: true}}}}}}
""")
    report = tmp_path / "out.xml"
    code, out, err = cli(capsys, BANK, "--mock-config", BANK_MOCKS, "--cases", cases, "--junit", report)
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == ("FAIL  CleanApplication  expected the run to pass through 'Wait For Review', but it never "
                        "entered it")
    assert lines[1].startswith("      path: Perform Automated Checks -> Verify Identity Documents")
    assert lines[2].startswith("PASS  FlaggedAddressApprovedByReviewer  (9 transitions")
    assert lines[-1].startswith("2/3 pass in ")
    schema = junit_schema()
    schema.validate(str(report))
    data = schema.to_dict(str(report))
    suite = data["testsuite"][0]
    assert (suite["@tests"], suite["@failures"], suite["@errors"]) == (3, 1, 0)
    failed = next(c for c in suite["testcase"] if c["@name"] == "CleanApplication")
    assert failed["failure"]["@type"] == "passesThrough"
    assert "never entered it" in failed["failure"]["@message"]


def test_bad_input_exits_2_with_json_pointers(capsys, tmp_path):
    cases = write(tmp_path, "tests.json", {"testCases": {
        "CleanApplication": {"expect": {"neverEnters": ["Wait For Reviews"], "status": "DONE"}},
        "NoSuchCase": {}}})
    code, out, err = cli(capsys, BANK, "--mock-config", BANK_MOCKS, "--cases", cases)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: {cases}#/testCases/CleanApplication/expect/status: status must be one of SUCCEEDED, FAILED, "
        f"TIMED_OUT, ABORTED, WAITING_FOR_CALLBACK. [INVALID_EXPECTATION]",
        f"error: {cases}#/testCases/NoSuchCase: the mock config has no test case 'NoSuchCase' (state machine "
        f"'account-application' has: CleanApplication, FlaggedAddressApprovedByReviewer, "
        f"IdentityServiceThrottledThenOk) [UNKNOWN_TEST_CASE]",
        f"error: {cases}#/testCases/CleanApplication/expect/neverEnters/0: There is no step called 'Wait For "
        f"Reviews' in this version. [UNKNOWN_STATE]"]


def test_a_mock_config_that_does_not_parse_exits_2(capsys, tmp_path):
    config = json.loads(BANK_MOCKS.read_text())
    config["MockedResponses"]["AddressOk"] = {"first": {"Return": 1}}
    path = write(tmp_path, "mocks.json", config)
    code, out, err = cli(capsys, BANK, "--mock-config", path)
    assert code == 2
    assert f"error: {path}#/MockedResponses/AddressOk/first: 'first' is not a call number" in err
    broken = write(tmp_path, "broken.json", "{not json")
    code, _, err = cli(capsys, BANK, "--mock-config", broken)
    assert code == 2 and err.startswith(f"error: {broken}: the mock config is not valid JSON")
    code, _, err = cli(capsys, tmp_path / "missing.json", "--mock-config", path)
    assert code == 2 and "no such definition file" in err


def test_from_the_shell_with_json_output(tmp_path):
    cases = write(tmp_path, "tests.json", {"input": BANK_INPUT})
    done = subprocess.run([sys.executable, "-m", "interpreter", "test", str(BANK), "--mock-config", str(BANK_MOCKS),
                           "--cases", str(cases), "--format", "json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["summary"], result["coverage"]["edges"]["covered"]) == ("3/3 pass", 8)


def test_the_schema_refuses_reports_ci_servers_would_not_read(capsys, tmp_path):
    report = tmp_path / "junit.xml"
    slug = "break-glass-access"
    cli(capsys, SAMPLES / f"{slug}.asl.json", "--mock-config", SAMPLES / f"{slug}.mocks.json",
        "--cases", SAMPLES / f"{slug}.tests.yaml", "--junit", report)
    schema = junit_schema()
    text = report.read_text()
    assert schema.is_valid(text)
    for broken in (text.replace(' hostname="', ' host="'), text.replace("<system-err />", ""),
                   text.replace('timestamp="', 'timestamp="x')):
        assert not schema.is_valid(broken)


def test_a_cases_file_nested_too_deep_is_refused_without_a_traceback(capsys, tmp_path):
    deep = "[" * 5000 + "]" * 5000
    cases = write(tmp_path, "tests.json", '{"testCases": {"CleanApplication": {"expect": {"output": ' + deep + "}}}}")
    code, out, err = cli(capsys, BANK, "--mock-config", BANK_MOCKS, "--cases", cases)
    assert code == 2 and "nests more than" in err and "Traceback" not in err


def test_an_express_run_of_a_workflow_that_waits_for_a_callback_is_refused(capsys):
    code, out, err = cli(capsys, BANK, "--mock-config", BANK_MOCKS, "--type", "express")
    assert code == 2 and out == ""
    assert "Wait For Review" in err and "#/States/Wait For Review" in err
