"""Suites over the REST API: expectations, a suite run stored per version, opening a case in the
simulator, suggestions saved in one click, and bad input answered 4xx naming the field."""
import copy
import json

import pytest

from designer.samples import SAMPLES_DIR

# Opening a case replays it in the runner's batch process, which sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

CASES = ("CleanApplication", "FlaggedAddressApprovedByReviewer", "IdentityServiceThrottledThenOk")


@pytest.fixture
def bank_cases(client_for, workflow):
    config = json.loads((SAMPLES_DIR / "account-application.mocks.json").read_text())
    data = json.loads((SAMPLES_DIR / "account-application.input.json").read_text())
    owner = client_for("owner")
    ids = {}
    for name in CASES:
        r = owner.post(f"/api/workflows/{workflow.pk}/test-cases/",
                       {"name": name, "input": data, "mock_config": config}, format="json")
        assert r.status_code == 201, r.content
        ids[name] = r.json()["id"]
    return ids


def put_expectations(client, workflow, tc_id, expectations):
    return client.put(f"/api/workflows/{workflow.pk}/test-cases/{tc_id}/expectations/",
                      {"expectations": expectations}, format="json")


def test_expectations_are_set_read_back_in_words_and_checked(client_for, workflow, bank_cases):
    editor = client_for("editor")
    tc = bank_cases["FlaggedAddressApprovedByReviewer"]
    r = put_expectations(editor, workflow, tc, {"expect": {"status": "SUCCEEDED",
                                                           "outputContains": {"reviewDecision": {"approved": True}}}})
    assert r.status_code == 200, r.content
    assert r.json()["words"] == ("The run should succeed and the output should contain "
                                 "`{\"reviewDecision\": {\"approved\": true}}`.")
    assert client_for("viewer").get(f"/api/workflows/{workflow.pk}/test-cases/{tc}/expectations/").json()[
        "expectations"] == {"expect": {"status": "SUCCEEDED", "outputContains": {"reviewDecision": {"approved": True}}}}
    # bad input: 400 naming the field by pointer, nothing stored
    r = put_expectations(editor, workflow, tc, {"expect": {"passesThrough": ["Wait For Reviews"]}})
    assert r.status_code == 400
    assert r.json()["field"] == "expectations/expect/passesThrough/0"
    assert r.json()["detail"] == "There is no step called 'Wait For Reviews' in this version."
    r = put_expectations(editor, workflow, tc, {"expect": {"outputContains": {"a": 1}, "status": "FAILED"}})
    assert (r.status_code, r.json()["pointer"]) == (400, "/expect/outputContains")
    r = editor.put(f"/api/workflows/{workflow.pk}/test-cases/{tc}/expectations/", "not json",
                   content_type="application/json")
    assert r.status_code == 400
    deep = {"expect": {"outputContains": {}}}
    node = deep["expect"]["outputContains"]
    for _ in range(300):
        node["a"] = {}
        node = node["a"]
    r = put_expectations(editor, workflow, tc, deep)
    # refused before parsing, as every request body nested more than 200 levels is
    assert (r.status_code, r.json()["error"]) == (400, "too_deep")
    assert put_expectations(client_for("viewer"), workflow, tc, {}).status_code == 403
    assert put_expectations(client_for("stranger"), workflow, tc, {}).status_code == 404


def test_a_suite_run_is_stored_per_version_and_a_case_opens_in_the_simulator(client_for, workflow, bank_cases):
    from designer.models import Execution

    owner = client_for("owner")
    put_expectations(owner, workflow, bank_cases["CleanApplication"], {"expect": {"neverEnters": ["Wait For Review"]}})
    r = owner.post(f"/api/workflows/{workflow.pk}/suite-runs/", {"version": 1}, format="json")
    assert r.status_code == 201, r.content
    run = r.json()
    assert (run["summary"], run["version"]) == ("3/3 pass", 1)
    assert Execution.objects.count() == 0  # suites write no run rows
    cov = run["coverage"]
    assert (cov["states"]["covered"], cov["states"]["total"], cov["edges"]["covered"]) == (9, 11, 8)
    assert all(item["domId"].startswith(("edge-", "state-")) for item in cov["edgeItems"])
    flagged = next(c for c in run["cases"] if c["name"] == "FlaggedAddressApprovedByReviewer")
    assert flagged["passed"] and flagged["transitions"] == 9 and "Wait For Review" in flagged["path"]
    # Open it: the run is made now, and replays the suite's run exactly.
    r = owner.post(flagged["open"])
    assert r.status_code == 201, r.content
    execution = Execution.objects.get(pk=r.json()["execution"])
    assert execution.status == "SUCCEEDED"
    assert [e.step for e in execution.events.filter(type__endswith="StateEntered").order_by("seq")] == flagged["path"]
    assert owner.post(flagged["open"]).json()["execution"] == execution.pk  # the same run the second time
    assert Execution.objects.count() == 1
    # The version list says how the suite went.
    versions = owner.get(f"/api/workflows/{workflow.pk}/versions/").json()
    assert versions[0]["suite"] == {"id": run["id"], "passed": 3, "total": 3, "summary": "3/3 pass"}
    listed = owner.get(f"/api/workflows/{workflow.pk}/suite-runs/?version=1").json()
    assert [s["summary"] for s in listed] == ["3/3 pass"]
    assert client_for("viewer").post(f"/api/workflows/{workflow.pk}/suite-runs/", {}, format="json").status_code == 403


def test_unsaved_changes_are_tested_without_being_stored(client_for, workflow, bank_cases, bank_definition):
    from designer.suites.models import SuiteRun

    owner = client_for("owner")
    put_expectations(owner, workflow, bank_cases["FlaggedAddressApprovedByReviewer"],
                     {"expect": {"passesThrough": ["Wait For Review"]}})
    broken = copy.deepcopy(bank_definition)
    broken["States"]["Human Review Required?"]["Choices"][1]["Next"] = "Approve Application"
    r = owner.post(f"/api/workflows/{workflow.pk}/suite-runs/", {"definition": broken}, format="json")
    assert r.status_code == 200, r.content
    result = r.json()
    assert result["summary"] == "2/3 pass"
    failed = next(c for c in result["cases"] if not c["passed"])
    assert failed["message"] == "expected the run to pass through 'Wait For Review', but it never entered it"
    assert SuiteRun.objects.count() == 0
    r = owner.post(f"/api/workflows/{workflow.pk}/suite-runs/", {"definition": {"StartAt": "X"}}, format="json")
    assert (r.status_code, r.json()["field"]) == (400, "definition")


def test_suggestions_are_run_before_offered_and_saved_in_one_click(client_for, workflow, bank_cases):
    owner = client_for("owner")
    found = owner.get(f"/api/workflows/{workflow.pk}/versions/1/suggestions/").json()
    targets = [s["target"]["id"] for s in found["suggestions"]]
    assert "choice.0:Human Review Required?" in targets and found["notFound"] == []
    rule = next(s for s in found["suggestions"] if s["target"]["id"] == "choice.0:Human Review Required?")
    r = owner.post(f"/api/workflows/{workflow.pk}/suite/test-cases/",
                   {"name": rule["name"], "input": rule["input"], "mock_config": rule["mockConfig"],
                    "mock_test_case": rule["mockTestCase"], "expectations": rule["expectations"]}, format="json")
    assert r.status_code == 201, r.content
    run = owner.post(f"/api/workflows/{workflow.pk}/suite-runs/", {}, format="json").json()
    assert run["summary"] == "4/4 pass"
    edges = {e["id"]: e["count"] for e in run["coverage"]["edgeItems"]}
    assert edges["choice.0:Human Review Required?"] == 1


def test_the_bundle_downloads_as_a_zip(client_for, workflow, bank_cases):
    import io
    import zipfile

    r = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/1/bundle/")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert sorted(n.split("/", 1)[1] for n in names) == [
        "MockConfigFile.json", "README.md", "main.tf", "narrative.md", "statemachine.asl.json",
        "statewise-tests.json", "template.yaml"]
    assert client_for("stranger").get(f"/api/workflows/{workflow.pk}/versions/1/bundle/").status_code == 404
    assert client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/9/bundle/").status_code == 404
    r = client_for("viewer").get(f"/api/workflows/{workflow.pk}/bundle/")  # no version named: the one handed over
    assert r.status_code == 200 and r["Content-Disposition"].endswith('-v1-handover.zip"')
