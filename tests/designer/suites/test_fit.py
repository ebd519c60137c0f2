"""Test cases keep up with the workflow: a rename followed into mocks and expectations in the save
itself, a deleted step's mock kept and named, and the check before a run with its one-click fixes,
through the services and the REST API."""
import copy
import json

import pytest

from designer import selectors, services, simulation
from designer.samples import SAMPLES_DIR
from designer.suites import fit
from designer.suites.services import expectations_set
from designer.suites.selectors import expectations_of

pytestmark = pytest.mark.django_db

CONFIG = json.loads((SAMPLES_DIR / "account-application.mocks.json").read_text())
INPUT = json.loads((SAMPLES_DIR / "account-application.input.json").read_text())


@pytest.fixture
def cases(users, workflow):
    out = {}
    for name in ("CleanApplication", "FlaggedAddressApprovedByReviewer"):
        out[name] = simulation.test_case_create(user=users["owner"], workflow=workflow, name=name, input=INPUT,
                                                mock_config=CONFIG, mock_test_case=name)
    expectations_set(user=users["owner"], test_case=out["CleanApplication"],
                     expectations={"expect": {"status": "SUCCEEDED", "passesThrough": ["Approve Application"]}})
    return out


def save(users, workflow, change, user="owner"):
    latest = selectors.version_latest(workflow=workflow)
    definition = copy.deepcopy(latest.definition)
    change(definition)
    return services.version_create(user=users[user], workflow=workflow, definition=definition,
                                   base_version=latest.number)


def rename(definition, old, new):
    text = json.dumps(definition).replace(json.dumps(old), json.dumps(new))
    definition.clear()
    definition.update(json.loads(text))


def mocked(tc, case=None):
    tc.refresh_from_db()
    return tc.mock_config["StateMachines"]["account-application"]["TestCases"][case or tc.name]


def fit_of(users, workflow, tc, version, user="owner"):
    return fit.test_case_fit(user=users[user], workflow=workflow, test_case=tc, version=version)


def test_a_rename_follows_into_every_mock_and_expectation_in_the_same_save(users, workflow, cases):
    version = save(users, workflow, lambda d: rename(d, "Approve Application", "Open The Account"))
    for tc in cases.values():
        for case in ("CleanApplication", "FlaggedAddressApprovedByReviewer", "IdentityServiceThrottledThenOk"):
            keys = list(mocked(tc, case))
            before = list(CONFIG["StateMachines"]["account-application"]["TestCases"][case])
            assert keys == [k.replace("Approve Application", "Open The Account") for k in before]  # same place
            assert mocked(tc, case)["Open The Account"] == "PutItemOk"
    assert expectations_of(cases["CleanApplication"])["expect"]["passesThrough"] == ["Open The Account"]
    # Nothing to warn about (a person answers the review, as the note says).
    problems = fit_of(users, workflow, cases["CleanApplication"], version)["problems"]
    assert [(p["code"], p["severity"]) for p in problems] == [("CALLBACK_WITHOUT_MOCK", "note")]
    # The run the stakeholder starts next succeeds.
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow,
                                              test_case_id=cases["CleanApplication"].pk)
    from designer.simulation import engine
    with engine.advancing(execution.pk) as (row, live):
        while live.run.status == "RUNNING" and live.run.step():
            pass
        assert live.run.status == "SUCCEEDED", live.run.error


def test_a_step_renamed_inside_a_parallel_branch_follows_too(users, workflow, cases):
    save(users, workflow, lambda d: rename(d, "Check Address", "Check The Address"))
    assert mocked(cases["CleanApplication"])["Check The Address"] == "AddressOk"


def test_a_deleted_steps_mock_is_kept_and_named_with_a_fix(users, workflow, cases):
    def delete(d):
        del d["States"]["Approve Application"]
        rename(d, "Approve Application", "Notify Applicant")
    version = save(users, workflow, delete)
    tc = cases["CleanApplication"]
    assert mocked(tc)["Approve Application"] == "PutItemOk"  # nothing lost
    problems = [p for p in fit_of(users, workflow, tc, version)["problems"] if p["severity"] == "warning"]
    assert [(p["code"], p["state"]) for p in problems] == [("MOCKED_STATE_MISSING", "Approve Application")]
    assert problems[0]["words"] == ("This test case has a mock answer for 'Approve Application', which is not "
                                    "a step of version 2.")
    assert problems[0]["fix"] == {"action": "remove", "state": "Approve Application",
                                  "label": "Remove the mock for 'Approve Application'"}
    fit.test_case_fix(user=users["editor"], workflow=workflow, test_case=tc, version=version, **{
        k: v for k, v in problems[0]["fix"].items() if k != "label"})
    assert "Approve Application" not in mocked(tc)
    assert "PutItemOk" in tc.mock_config["MockedResponses"]  # other cases' answers stay
    assert [p for p in fit_of(users, workflow, tc, version)["problems"] if p["severity"] == "warning"] == []


def test_an_older_version_and_a_stale_case_get_the_rename_proposed(users, workflow, cases):
    save(users, workflow, lambda d: rename(d, "Approve Application", "Open The Account"))
    v1 = selectors.version_get(workflow=workflow, number=1)
    # The case followed the rename: against version 1 it names the new step, and the fix says so.
    cases["CleanApplication"].refresh_from_db()
    problems = fit_of(users, workflow, cases["CleanApplication"], v1)["problems"]
    by_code = {p["code"]: p for p in problems}
    assert by_code["MOCKED_STATE_MISSING"]["fix"]["action"] == "rename"
    assert by_code["MOCKED_STATE_MISSING"]["fix"]["to"] == "Approve Application"
    assert by_code["TASK_WITHOUT_MOCK"]["state"] == "Approve Application"
    assert by_code["TASK_WITHOUT_MOCK"]["fix"]["action"] == "rename"
    # A case saved afterwards with the old names gets "rename the mock to 'Open The Account'".
    stale = simulation.test_case_create(user=users["owner"], workflow=workflow, name="Old", input=INPUT,
                                        mock_config=CONFIG, mock_test_case="CleanApplication")
    v2 = selectors.version_latest(workflow=workflow)
    warning = next(p for p in fit_of(users, workflow, stale, v2)["problems"] if p["code"] == "MOCKED_STATE_MISSING")
    assert warning["words"].startswith("'Approve Application' is not a step of version 2: it looks renamed to "
                                       "'Open The Account'")
    assert warning["fix"]["label"] == "Rename the mock to 'Open The Account'"
    fit.test_case_fix(user=users["editor"], workflow=workflow, test_case=stale, version=v2, action="rename",
                      state="Approve Application", to="Open The Account")
    assert mocked(stale, "CleanApplication")["Open The Account"] == "PutItemOk"
    assert [p for p in fit_of(users, workflow, stale, v2)["problems"] if p["severity"] == "warning"] == []


def test_a_task_without_a_mock_gets_one_added(users, workflow):
    tc = simulation.test_case_create(user=users["owner"], workflow=workflow, name="Bare", input=INPUT)
    version = selectors.version_latest(workflow=workflow)
    problems = fit_of(users, workflow, tc, version)["problems"]
    assert {p["state"] for p in problems if p["code"] == "TASK_WITHOUT_MOCK"} == {
        "Verify Identity Documents", "Check Address", "Approve Application", "Notify Applicant"}
    for p in problems:
        if p["code"] == "TASK_WITHOUT_MOCK":
            fit.test_case_fix(user=users["owner"], workflow=workflow, test_case=tc, version=version, action="add",
                              state=p["state"])
    tc.refresh_from_db()
    config = tc.mock_config
    assert config["StateMachines"]["Bank-account-application"]["TestCases"]["Bare"]["Check Address"] == \
        "Check Address answer"
    assert config["MockedResponses"]["Check Address answer"] == {"0": {"Return": {"StatusCode": 200, "Payload": {}}}}
    assert config["MockedResponses"]["Notify Applicant answer"] == {"0": {"Return": {}}}
    assert [p["code"] for p in fit_of(users, workflow, tc, version)["problems"]] == ["CALLBACK_WITHOUT_MOCK"]


def test_fixes_refuse_what_does_not_apply(users, workflow, cases):
    version = selectors.version_latest(workflow=workflow)
    tc = cases["CleanApplication"]
    from designer.errors import Forbidden, InvalidInput
    for kwargs, field in (({"action": "drop", "state": "Done"}, "action"),
                          ({"action": "remove", "state": "Done"}, "state"),
                          ({"action": "add", "state": "Done"}, "state"),
                          ({"action": "add", "state": "Check Address"}, "state"),
                          ({"action": "rename", "state": "Check Address", "to": "Nowhere"}, "to"),
                          ({"action": "rename", "state": "Check Address", "to": "Notify Applicant"}, "to"),
                          ({"action": "rename", "state": "", "to": "Done"}, "state")):
        with pytest.raises(InvalidInput) as e:
            fit.test_case_fix(user=users["owner"], workflow=workflow, test_case=tc, version=version, **kwargs)
        assert e.value.field == field, kwargs
    with pytest.raises(Forbidden):
        fit.test_case_fix(user=users["viewer"], workflow=workflow, test_case=tc, version=version, action="remove",
                          state="Check Address")
    assert mocked(tc) == CONFIG["StateMachines"]["account-application"]["TestCases"]["CleanApplication"]


# --- over the REST API -----------------------------------------------------------------------------

def test_the_fit_and_fix_endpoints(client_for, users, workflow, cases, django_user_model):
    save(users, workflow, lambda d: rename(d, "Approve Application", "Open The Account"))
    stale = simulation.test_case_create(user=users["owner"], workflow=workflow, name="Old", input=INPUT,
                                        mock_config=CONFIG, mock_test_case="CleanApplication")
    url = f"/api/workflows/{workflow.pk}/versions/2/test-cases/{stale.pk}/"
    r = client_for("viewer").get(url + "fit/")
    assert r.status_code == 200
    codes = [p["code"] for p in r.json()["problems"]]
    assert codes.count("MOCKED_STATE_MISSING") == 1 and "TASK_WITHOUT_MOCK" in codes
    # Only editors fix; outsiders learn nothing.
    reviewer = django_user_model.objects.create_user(username="reviewer", password="pw-reviewer")
    services.membership_set(user=users["owner"], workflow=workflow, username="reviewer", role="reviewer")
    users["reviewer"] = reviewer
    body = {"action": "rename", "state": "Approve Application", "to": "Open The Account"}
    for who in ("viewer", "reviewer"):
        r = client_for(who).post(url + "fix/", body, format="json")
        assert r.status_code == 403, who
    assert client_for("stranger").get(url + "fit/").status_code == 404
    assert client_for("stranger").post(url + "fix/", body, format="json").status_code == 404
    assert client_for(None).get(url + "fit/").status_code in (401, 403)
    assert client_for("owner").get(f"/api/workflows/{workflow.pk}/versions/9/test-cases/{stale.pk}/fit/"
                                   ).status_code == 404
    assert client_for("owner").get(f"/api/workflows/{workflow.pk}/versions/2/test-cases/99999/fit/"
                                   ).status_code == 404
    # Bad input: 400 naming the field, nothing changed.
    editor = client_for("editor")
    for bad, field in (({"action": "drop", "state": "x"}, "action"), ({"action": "remove"}, "state"),
                       ({"action": "rename", "state": "Approve Application", "to": "Nowhere"}, "to"),
                       ({"action": "rename", "state": "Approve Application"}, "to"),
                       ({"action": "remove", "state": "x" * 300}, "state")):
        r = editor.post(url + "fix/", bad, format="json")
        assert r.status_code == 400, bad
        assert field in json.dumps(r.json()), (bad, r.json())
    assert editor.post(url + "fix/", "[1]", content_type="application/json").status_code == 400
    stale.refresh_from_db()
    assert "Approve Application" in stale.mock_config["StateMachines"]["account-application"]["TestCases"][
        "CleanApplication"]
    # The fix answers the new fit: the warnings are gone.
    r = editor.post(url + "fix/", body, format="json")
    assert r.status_code == 200, r.content
    assert [p["code"] for p in r.json()["problems"]] == ["CALLBACK_WITHOUT_MOCK"]


def test_the_check_reads_the_history_once_however_many_mocks_are_stale(users, workflow, monkeypatch,
                                                                       django_assert_max_num_queries):
    for i in range(3):
        save(users, workflow, lambda d, i=i: d["States"]["Done"].update(Comment=f"edit {i}"))
    stale = {"StateMachines": {"m": {"TestCases": {"c": {f"Gone {i}": "ok" for i in range(200)}}}},
             "MockedResponses": {"ok": {"0": {"Return": {}}}}}
    tc = simulation.test_case_create(user=users["owner"], workflow=workflow, name="c", input=INPUT,
                                     mock_config=stale)
    calls = []
    real = fit.state_renames
    monkeypatch.setattr(fit, "state_renames", lambda a, b: calls.append(1) or real(a, b))
    with django_assert_max_num_queries(10):
        out = fit_of(users, workflow, tc, selectors.version_get(workflow=workflow, number=2))
    assert sum(p["code"] == "MOCKED_STATE_MISSING" for p in out["problems"]) == 200
    assert calls == []  # no version ever had those steps: nothing to follow
