"""Compare two versions and read one in plain words: the API and the page."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer import services

pytestmark = pytest.mark.django_db


def save(workflow, user, definition, message="") -> int:
    latest = workflow.versions.order_by("-number").first()
    return services.version_create(user=user, workflow=workflow, definition=definition, message=message,
                                   base_version=latest.number).number


def second_version(bank_definition) -> dict:
    """One state added, one removed, one Retry changed."""
    v2 = copy.deepcopy(bank_definition)
    states = v2["States"]
    states["Perform Automated Checks"]["Branches"][0]["States"]["Verify Identity Documents"]["Retry"][0]["MaxAttempts"] = 5
    states["Record Decision"] = {"Type": "Pass", "Next": "Done"}
    states["Notify Applicant"]["Next"] = "Record Decision"
    del states["Checks Could Not Run"]
    states["Perform Automated Checks"]["Catch"][0]["Next"] = "Reject Application"
    return v2


@pytest.fixture
def two_versions(workflow, users, bank_definition):
    return save(workflow, users["editor"], second_version(bank_definition), "Notify, then record")


def test_compare_api_lists_every_change_in_words_and_pointers(client_for, workflow, two_versions):
    answer = client_for("viewer").get(f"/api/workflows/{workflow.pk}/compare/?from=1&to=2")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["title"] == "Compare v1 with v2"
    assert body["summary"] == "1 step added, 1 removed, 3 changed"
    by_name = {s["name"]: s for s in body["states"]}
    assert by_name["Verify Identity Documents"]["changes"] == ["Retry: now tries 5 times instead of 3."]
    assert by_name["Verify Identity Documents"]["fields"][0]["old"] == 3
    assert by_name["Record Decision"]["kind"] == "added"
    assert by_name["Checks Could Not Run"]["kind"] == "removed"
    assert {(e["kind"], e["source"], e["target"]) for e in body["edges"]} >= {
        ("added", "Record Decision", "Done"), ("removed", "Notify Applicant", "Done")}
    assert body["from"]["number"] == 1 and body["to"]["message"] == "Notify, then record"


def test_a_version_compared_with_itself_has_no_changes(client_for, workflow):
    body = client_for("owner").get(f"/api/workflows/{workflow.pk}/compare/?from=1&to=1").json()
    assert body["summary"] == "No changes" and body["empty"] and body["states"] == []


def test_comparing_across_workflows_is_refused(client_for, workflow, users, bank_definition):
    other = services.workflow_create(owner=users["owner"], name="Other", definition=bank_definition)
    answer = client_for("owner").get(f"/api/workflows/{workflow.pk}/compare/?from=1&to=1&to_workflow={other.pk}")
    assert answer.status_code == 400
    assert answer.json()["error"] == "different_workflows" and "different workflows" in answer.json()["detail"]


@pytest.mark.parametrize("query, status, field", [
    ("from=1", 400, "to"), ("to=1", 400, "from"), ("from=x&to=1", 400, "from"), ("from=1&to=9", 404, None),
    ("from=-1&to=1", 400, "from"), ("from=1&to=1&to_workflow=abc", 400, "to_workflow"),
])
def test_bad_compare_requests_get_4xx_json(client_for, workflow, query, status, field):
    answer = client_for("owner").get(f"/api/workflows/{workflow.pk}/compare/?{query}")
    assert answer.status_code == status
    assert answer.json().get("field") == field


def test_only_members_can_compare_or_read(client_for, workflow):
    for url in (f"/api/workflows/{workflow.pk}/compare/?from=1&to=1", f"/api/workflows/{workflow.pk}/versions/1/narrative/"):
        assert client_for("stranger").get(url).status_code == 404
        assert client_for(None).get(url).status_code in (401, 403)


def test_definitions_that_do_not_validate_are_still_compared(client_for, workflow, users, bank_definition):
    broken = copy.deepcopy(bank_definition)
    broken["States"]["Done"]["Next"] = "Nowhere"
    save(workflow, users["owner"], broken)
    body = client_for("owner").get(f"/api/workflows/{workflow.pk}/compare/?from=1&to=2").json()
    assert body["summary"] == "1 step changed"
    assert body["to"]["problems"] and not body["to"]["isValid"] and body["from"]["isValid"]


def test_narrative_api(client_for, workflow):
    body = client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/1/narrative/").json()
    assert body["version"] == 1
    assert body["steps"][0]["state"] == "Perform Automated Checks"
    assert "1.1. Verify Identity Documents: Calls the Lambda function VerifyIdDocs." in body["text"]
    assert client_for("viewer").get(f"/api/workflows/{workflow.pk}/versions/7/narrative/").status_code == 404


def test_compare_page_draws_both_modes_and_lists_the_changes(client, users, workflow, two_versions):
    client.force_login(users["viewer"])
    page = client.get(f"/workflows/{workflow.pk}/compare/?from=1&to=2")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Compare v1 with v2" in html and "1 step added, 1 removed, 3 changed" in html
    assert "Retry: now tries 5 times instead of 3." in html
    assert 'id="graph-union"' in html and 'id="graph-old"' in html and 'id="graph-new"' in html
    # The removed step is drawn, ghosted, on the one graph.
    union = html[html.index('id="graph-union"'):html.index('id="side-view"')]
    assert 'data-state="Checks Could Not Run"' in union and 'data-state="Record Decision"' in union
    # The diff layer draws the colours: removed ghosted in red, added green, changed amber, and
    # the error path that was removed drawn back beside the new one.
    ghost = union[union.index('data-state="Checks Could Not Run"') - 300:union.index('data-state="Checks Could Not Run"')]
    assert "diff-removed" in ghost and "layer-diff" in ghost
    assert 'class="edge edge-catch layer-diff diff-added"' in union or "edge-catch layer-diff diff-added" in union
    assert "edge-catch layer-diff diff-removed" in union
    data = json.loads(html.split('id="page-data" type="application/json">')[1].split("</script>")[0])
    assert data["marks"]["union"] == {"Verify Identity Documents": "changed", "Perform Automated Checks": "changed",
                                      "Notify Applicant": "changed", "Record Decision": "added",
                                      "Checks Could Not Run": "removed"}
    assert "Record Decision" not in data["marks"]["old"] and "Checks Could Not Run" not in data["marks"]["new"]
    side = client.get(f"/workflows/{workflow.pk}/compare/?from=1&to=2&mode=side").content.decode()
    assert 'class="compare-page mode-side"' in side


def test_compare_page_defaults_to_the_last_two_versions_and_refuses_other_workflows(client, users, workflow,
                                                                                      two_versions, bank_definition):
    client.force_login(users["owner"])
    assert "Compare v1 with v2" in client.get(f"/workflows/{workflow.pk}/compare/").content.decode()
    other = services.workflow_create(owner=users["owner"], name="Other", definition=bank_definition)
    refused = client.get(f"/workflows/{workflow.pk}/compare/?from=1&to=1&to_workflow={other.pk}")
    assert refused.status_code == 400 and "different workflows" in refused.content.decode()
    assert client.get(f"/workflows/{workflow.pk}/compare/?from=1&to=5").status_code == 404
    client.force_login(users["stranger"])
    assert client.get(f"/workflows/{workflow.pk}/compare/").status_code == 404


def _bank_test_cases(workflow, user):
    from designer.simulation.services import test_case_create
    from designer.samples import SAMPLES_DIR

    config = json.loads((SAMPLES_DIR / "account-application.mocks.json").read_text())
    sample_input = json.loads((SAMPLES_DIR / "account-application.input.json").read_text())
    for case in config["StateMachines"]["account-application"]["TestCases"]:
        test_case_create(user=user, workflow=workflow, name=case, input=sample_input, mock_config=config,
                         mock_test_case=case)


@pytest.mark.django_db(transaction=True)  # the view runs off the request thread, with its own connection
def test_behaviour_api_runs_every_test_case_on_both_versions(client_for, workflow, users, two_versions):
    _bank_test_cases(workflow, users["owner"])
    answer = client_for("viewer").get(f"/api/workflows/{workflow.pk}/compare/behaviour/?from=1&to=2")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["summary"] == "3 of 3 test cases behave differently." and body["from"] == 1 and body["to"] == 2
    clean = next(c for c in body["cases"] if c["name"] == "CleanApplication")
    assert clean["before"]["status"] == clean["after"]["status"] == "SUCCEEDED"
    assert clean["pathChanged"] and not clean["outcomeChanged"]
    assert clean["divergence"] == {"index": 6, "before": "Done", "after": "Record Decision",
                                   "afterState": "Notify Applicant"}
    assert clean["before"]["path"][-1] == "Done" and clean["after"]["path"][-2] == "Record Decision"
    assert isinstance(clean["testCaseId"], int)
    same = client_for("viewer").get(f"/api/workflows/{workflow.pk}/compare/behaviour/?from=2&to=2").json()
    assert same["summary"] == "All 3 test cases behave the same on both versions."


@pytest.mark.django_db(transaction=True)  # the view runs off the request thread, with its own connection
def test_behaviour_api_refuses_what_compare_refuses(client_for, workflow):
    assert client_for("stranger").get(f"/api/workflows/{workflow.pk}/compare/behaviour/?from=1&to=1").status_code == 404
    assert client_for("owner").get(f"/api/workflows/{workflow.pk}/compare/behaviour/?from=1").status_code == 400
    body = client_for("owner").get(f"/api/workflows/{workflow.pk}/compare/behaviour/?from=1&to=1").json()
    assert body["cases"] == [] and body["summary"] == "This workflow has no saved test cases to compare."


FUZZ_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=12)
FUZZ_STATES = st.fixed_dictionaries({"Type": st.sampled_from(["Task", "Choice", "Wait", "Parallel", "Map", "Pass",
                                                              "Succeed", "Fail", "Bogus"])},
                                    optional={"Next": st.text(max_size=4) | FUZZ_VALUES, "End": FUZZ_VALUES,
                                              "Choices": FUZZ_VALUES, "Catch": FUZZ_VALUES, "Retry": FUZZ_VALUES,
                                              "Branches": FUZZ_VALUES, "ItemProcessor": FUZZ_VALUES,
                                              "Resource": st.text(max_size=20) | FUZZ_VALUES, "Seconds": FUZZ_VALUES})
FUZZ_DEFINITIONS = st.fixed_dictionaries({"StartAt": st.text(max_size=4) | FUZZ_VALUES,
                                          "States": st.dictionaries(st.text(min_size=1, max_size=4), FUZZ_STATES, max_size=4)})


@pytest.mark.django_db(transaction=True)  # the behaviour view runs off the request thread
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(definition=FUZZ_DEFINITIONS)
def test_any_saved_definition_is_compared_explained_and_run_without_a_server_error(client_for, workflow, users,
                                                                                     definition):
    number = save(workflow, users["owner"], definition)
    client = client_for("owner")
    for url in (f"/api/workflows/{workflow.pk}/compare/?from=1&to={number}",
                f"/api/workflows/{workflow.pk}/compare/?from={number}&to=1",
                f"/api/workflows/{workflow.pk}/versions/{number}/narrative/",
                f"/api/workflows/{workflow.pk}/compare/behaviour/?from=1&to={number}"):
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.content[:300])


@pytest.mark.django_db(transaction=True)  # the view runs off the request thread, with its own connection
def test_behaviour_says_when_a_test_case_no_longer_meets_its_expectations(client_for, workflow, users, two_versions):
    from designer.models import TestCase
    from designer.suites.services import expectations_set

    _bank_test_cases(workflow, users["owner"])
    clean = TestCase.objects.get(workflow=workflow, name="CleanApplication")
    expectations_set(user=users["owner"], test_case=clean, expectations={"expect": {"maxTransitions": 7}})
    body = client_for("viewer").get(f"/api/workflows/{workflow.pk}/compare/behaviour/?from=1&to=2").json()
    case = next(c for c in body["cases"] if c["name"] == "CleanApplication")
    assert case["before"]["passed"], case
    assert not case["after"]["passed"] and case["expectation"] == "now fails"
    assert "It no longer meets its expectations: expected at most 7 transitions, but the run took 8." \
        in case["words"]


def test_explain_api_reads_any_definition(client_for, bank_definition):
    answer = client_for("viewer").post("/api/explain/", {"definition": bank_definition}, format="json")
    assert answer.status_code == 200
    assert answer.json()["steps"][1]["state"] == "Human Review Required?"
    broken = client_for("viewer").post("/api/explain/", {"definition": {"StartAt": "X", "States": {"A": {"Type": "Nope"}}}},
                                       format="json").json()
    assert broken["steps"][0]["text"].startswith("A step of type Nope")
    assert client_for("viewer").post("/api/explain/", {"definition": 3}, format="json").status_code == 400
    assert client_for(None).post("/api/explain/", {"definition": bank_definition}, format="json").status_code in (401, 403)


@pytest.mark.django_db(transaction=True)  # the view runs off the request thread, with its own connection
def test_review_document_has_the_narrative_the_graph_the_tests_and_the_changes(client, users, workflow, two_versions,
                                                                             django_user_model):
    from designer.review.comments import comment_create
    from designer.review.reviews import review_answer, review_request

    _bank_test_cases(workflow, users["owner"])
    services.membership_set(user=users["owner"], workflow=workflow, username="stranger", role="reviewer")
    request = review_request(user=users["owner"], workflow=workflow, version=2, reviewers=["editor", "stranger"],
                             message="Please check the new decision step")
    review_answer(user=users["editor"], request=request, decision="approved", comment="Reads right to me")
    comment_create(user=users["stranger"], workflow=workflow, text_="Are 5 tries too many?",
                   state="Verify Identity Documents")
    client.force_login(users["viewer"])
    html = client.get(f"/workflows/{workflow.pk}/versions/2/review/?diff_from=1").content.decode()
    assert "in review · approved by 1 of 2" in html
    approvals = html[html.index('id="doc-approvals"'):html.index('id="doc-graph-section"')]
    assert "editor" in approvals and "approved" in approvals and "Reads right to me" in approvals
    assert "stranger" in approvals and "not answered yet" in approvals
    assert "Please check the new decision step" in html
    threads = html[html.index('id="doc-threads"'):html.index('id="doc-tests"')]
    assert "On “Verify Identity Documents”" in threads and "Are 5 tries too many?" in threads
    assert "Bank account application · version 2" in html
    assert 'id="doc-graph"' in html and 'data-state="Record Decision"' in html
    assert "Calls the Lambda function VerifyIdDocs." in html
    assert "Changes since version 1" in html and "Retry: now tries 5 times instead of 3." in html
    assert "Run for this document" in html and html.count('<tr class="passed">') == 3
    plain = client.get(f"/workflows/{workflow.pk}/versions/1/review/").content.decode()
    assert "Changes since" not in plain and "editor" not in plain.split('id="doc-author">')[1][:20]
    assert client.get(f"/workflows/{workflow.pk}/versions/9/review/").status_code == 404
    assert client.get(f"/workflows/{workflow.pk}/versions/2/review/?diff_from=x").status_code == 400
    client.force_login(users["owner"])
    editor_page = client.get(f"/workflows/{workflow.pk}/?version=2").content.decode()
    assert f'href="/workflows/{workflow.pk}/compare/?from=1&amp;to=2"' in editor_page  # from the review bar
    other = django_user_model.objects.create_user(username="nobody", password="pw")
    client.force_login(other)
    assert client.get(f"/workflows/{workflow.pk}/versions/2/review/").status_code == 404
