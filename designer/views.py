"""Pages. Each gathers what a template needs through selectors; writes go through services."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from interpreter.limits import DATA_DEPTH, depth_error, json_depth_within
from interpreter.timestamps import format_millis
from interpreter.wording.events import choice_words, elapsed_words, event_words, said as event_said
from interpreter.wording import vocabulary

from . import editor_page, graph, live, selectors, services, simulation, timeline
from .suites.selectors import latest_by_version as latest_suite_by_version
from .asl_io import read_definition
from .glossary.selectors import glossary_applied, glossary_stored
from .errors import DomainError, InvalidInput, NotFound
from .review import pages as review_pages
from .simulation import runner


def home(request):
    return redirect("workflow-list")


def _visible(request, workflow_id: int):
    try:
        return selectors.workflow_get(user=request.user, workflow_id=workflow_id)
    except NotFound:
        raise Http404("No such workflow.") from None


@login_required
@require_http_methods(["GET", "POST"])
def workflow_list(request):
    if request.method == "POST":
        # Progressive enhancement: creating and importing are plain forms that work without JavaScript.
        try:
            if request.FILES.get("file"):
                upload = request.FILES["file"]
                definition = read_definition(upload.read(), fmt="yaml" if upload.name.endswith((".yaml", ".yml")) else None)
                name = request.POST.get("name") or upload.name.rsplit(".", 1)[0]
                workflow = services.workflow_create(owner=request.user, name=name, definition=definition,
                                                    description=str(definition.get("Comment") or ""),
                                                    message=f"Imported from {upload.name}")
            else:
                workflow = services.workflow_create(owner=request.user, name=request.POST.get("name", ""),
                                                    description=request.POST.get("description", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("workflow-list")
        return redirect("workflow-editor", workflow_id=workflow.pk)
    workflows = list(selectors.workflow_list(user=request.user).prefetch_related("versions"))
    roles = selectors.workflow_roles(user=request.user, workflows=workflows)
    rows = [{"workflow": w, "role": roles.get(w.pk), "latest": max((v.number for v in w.versions.all()), default=None)}
            for w in workflows]
    return render(request, "designer/workflow_list.html", {"rows": rows})


@login_required
def workflow_editor(request, workflow_id: int):
    workflow = _visible(request, workflow_id)
    role = selectors.workflow_role(user=request.user, workflow=workflow)
    number = request.GET.get("version")
    if number and (number.isascii() and number.isdigit()):
        try:
            version = selectors.version_get(workflow=workflow, number=int(number))
        except NotFound:
            raise Http404("No such version.") from None
    else:
        version = selectors.version_latest(workflow=workflow)
    stored = glossary_stored(workflow_id=workflow.pk)
    problems = version.problems if version else []
    latest = selectors.version_latest(workflow=workflow)
    draft = selectors.draft_get(workflow=workflow, user=request.user) if not number else None
    large = version is not None and editor_page.is_large(version.definition_json)
    if large:
        # Read, named and drawn in a child from the stored text; the texts go into the page as
        # they are (designer/editor_page.py): this thread never decodes the definition.
        svg, glossary_text = editor_page.drawing(version=version, stored_glossary=stored)
        definition, glossary = editor_page.RawJSON(version.definition_json), editor_page.RawJSON(glossary_text)
        draft_definition = editor_page.RawJSON(draft.definition_json) if draft else None
    else:
        definition = version.definition if version else services.EMPTY_DEFINITION
        glossary = glossary_applied(definition, stored)
        # Drawn on the server too, so the graph shows before (and without) any script.
        svg = graph.render_svg(definition, problems, glossary=glossary)
        draft_definition = draft.definition if draft else None
    page = {
        "workflowId": workflow.pk,
        "name": workflow.name,
        "role": role,
        "canEdit": selectors.role_can(role, "edit"),
        "permissions": selectors.permissions_of(role),
        "versionNumber": version.number if version else None,
        "latestVersion": latest.number if latest else None,
        "definition": definition,
        "problems": problems,
        "draft": {"definition": draft_definition, "baseVersion": draft.base_version,
                  "updated": draft.updated.isoformat()} if draft else None,
        "vocabulary": vocabulary(),
        # The data glossary: names people wrote (sent back with each drawing) and every field in words.
        "glossaryStored": stored, "glossary": glossary,
    }
    return render(request, "designer/editor.html", {
        "workflow": workflow, "version": version, "role": role,
        "page_script": editor_page.json_script_spliced(page, "page-data"),
        "can_edit": selectors.role_can(role, "edit"), "can_run": selectors.role_can(role, "control_runs"),
        "test_cases": list(simulation.test_case_list(workflow=workflow)),
        "recent_runs": simulation.execution_list(workflow=workflow)[:5],
        "svg": svg, "problems": problems,
        **review_pages.review_context(request, workflow, version, role, "editor"),
    })


@login_required
def workflow_versions(request, workflow_id: int):
    workflow = _visible(request, workflow_id)
    role = selectors.workflow_role(user=request.user, workflow=workflow)
    versions = list(selectors.version_list(workflow=workflow))
    suites = latest_suite_by_version(workflow=workflow)
    for version in versions:
        version.suite = suites.get(version.pk)  # the last suite run: "12/12 pass"
    return render(request, "designer/versions.html", {
        "workflow": workflow, "versions": versions, "role": role,
        **review_pages.version_rows_context(workflow),
        **review_pages.review_context(request, workflow, selectors.version_latest(workflow=workflow), role,
                                      "versions")})


# --- simulation -----------------------------------------------------------------------------

def _visible_execution(request, execution_id: int):
    try:
        return simulation.execution_get(user=request.user, execution_id=execution_id)
    except NotFound:
        raise Http404("No such execution.") from None


@login_required
@require_http_methods(["POST"])
def workflow_simulate(request, workflow_id: int):
    """The editor's Simulate form: start a run, then show it. Works without JavaScript."""
    workflow = _visible(request, workflow_id)
    try:
        kwargs = {"manual_callbacks": request.POST.get("manual_callbacks") == "on",
                  "workflow_type": request.POST.get("type") or None,
                  "unmocked": request.POST.get("unmocked") or "fail"}
        test_case = request.POST.get("test_case") or ""
        if test_case:
            if not (test_case.isascii() and test_case.isdigit()):
                raise InvalidInput("Pick one of the saved test cases.", field="test_case")
            kwargs["test_case_id"] = int(test_case)
        version = request.POST.get("version") or ""
        if version:
            if not (version.isascii() and version.isdigit()):
                raise InvalidInput("version must be a version number.", field="version")
            kwargs["version_number"] = int(version)
        text = request.POST.get("input", "").strip()
        if text:
            try:
                kwargs["input"] = json.loads(text)
            except ValueError as exc:
                raise InvalidInput(f"The input is not JSON: {exc}.", field="input") from None
        execution, update = simulation.execution_start(user=request.user, workflow=workflow, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("workflow-editor", workflow_id=workflow.pk)
    live.publish_sync(update)
    return redirect("execution-page", execution_id=execution.pk)


@login_required
@require_http_methods(["POST"])
def workflow_test_case_create(request, workflow_id: int):
    """The editor's "Save a new test case" form."""
    workflow = _visible(request, workflow_id)
    try:
        values = {}
        for field in ("input", "mock_config"):
            text = request.POST.get(field, "").strip() or "{}"
            try:
                values[field] = json.loads(text)
            except ValueError as exc:
                raise InvalidInput(f"The {field.replace('_', ' ')} is not JSON: {exc}.", field=field) from None
        tc = simulation.test_case_create(user=request.user, workflow=workflow, name=request.POST.get("name", ""),
                                         mock_test_case=request.POST.get("mock_test_case", ""), **values)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Saved test case “{tc.name}”: pick it under Simulate.")
    return redirect("workflow-editor", workflow_id=workflow.pk)


@login_required
def execution_page(request, execution_id: int):
    execution = _visible_execution(request, execution_id)
    can_control = selectors.can(user=request.user, workflow=execution.workflow, action="control_runs")
    version = execution.version
    state = simulation.execution_state(execution)
    glossary = glossary_applied(version.definition, glossary_stored(workflow_id=execution.workflow_id))
    events = list(simulation.execution_events_after(execution=execution,
                                                   after=max(0, execution.last_seq - PAGE_EVENTS)))
    rows = [{**timeline.event_row(e), "said": event_said(e.type, e.step),
             "elapsed": elapsed_words(timeline.elapsed_ms(e.timestamp, execution.started_at_virtual)),
             "when": format_millis(e.timestamp), "details_text": json.dumps(e.details, indent=2, ensure_ascii=False)}
            for e in events]
    redrive = simulation.redrive_options(execution=execution) if state["status"] in ENDED_STATUSES else {"steps": []}
    if redrive["steps"] and redrive["steps"][0]["response"] is not None:
        redrive["first_response"] = json.dumps(redrive["steps"][0]["response"], indent=2, ensure_ascii=False)
    page = {"executionId": execution.pk, "workflowId": execution.workflow_id, "canControl": can_control,
            "execution": state, "websocket": f"/ws/executions/{execution.pk}/", "tableLimit": PAGE_EVENTS,
            # The history's words: the page fills them in as events arrive.
            "eventWords": event_words(), "choiceWords": choice_words(version.definition, glossary)}
    return render(request, "designer/execution.html", {
        "execution": execution, "workflow": execution.workflow, "version": version, "state": state,
        "can_control": can_control, "page": page, "rows": rows, "hidden_rows": execution.last_seq - len(rows),
        "svg": graph.render_svg(version.definition, version.problems, glossary=glossary),
        "colour_css": _colour_css(state),
        **review_pages.review_context(request, execution.workflow, version,
                                      selectors.workflow_role(user=request.user, workflow=execution.workflow), "run"),
        "redrive": redrive, "ended_statuses": ENDED_STATUSES,
        "speeds": SPEEDS, "recent": simulation.execution_list(workflow=execution.workflow)[:8]})


# Speeds offered on the page: (transitions per second, label); 0 is as fast as the server goes.
SPEEDS = [(0, "Instant"), (1, "1 step/s"), (2, "2 steps/s"), (5, "5 steps/s"), (10, "10 steps/s"), (20, "20 steps/s")]
PAGE_EVENTS = 1000
ENDED_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")  # what a redrive can go on from


def _colour_css(state: dict) -> str:
    """Colours for the server-drawn graph before any script runs (ids are [a-z0-9-] only)."""
    rules = []
    for name, status in state["states"].items():
        rules.append(f"#graph #{graph.state_dom_id(name)} > :is(polygon, path) {{ fill: var(--run-{status}); }}")
    for name in state["current"]:
        rules.append(f"#graph #{graph.state_dom_id(name)} > :is(polygon, path) {{ stroke: var(--select); stroke-width: 4; }}")
    return "\n".join(rules)


@login_required
@require_http_methods(["POST"])
def execution_control(request, execution_id: int):
    """The page's controls as plain forms (without JavaScript the buttons post here)."""
    execution = _visible_execution(request, execution_id)
    body: dict = {"command": request.POST.get("command", "")}
    try:
        if body["command"] == "set_speed":
            try:
                body["speed"] = float(request.POST.get("speed", ""))
            except ValueError:
                raise InvalidInput("speed must be a number.", field="speed") from None
        elif body["command"] in ("send_task_success", "send_task_failure"):
            body["token"] = request.POST.get("token", "")
            if body["command"] == "send_task_success":
                try:
                    body["output"] = json.loads(request.POST.get("output") or "{}")
                except ValueError as exc:
                    raise InvalidInput(f"The output is not JSON: {exc}.", field="output") from None
            else:
                body["error"] = request.POST.get("error") or None
                body["cause"] = request.POST.get("cause") or None
        elif body["command"] == "redrive":
            text = (request.POST.get("redrive_response") or "").strip()
            if text and request.POST.get("redrive_state"):
                if not json_depth_within(text, DATA_DEPTH):
                    raise InvalidInput(depth_error("mocked answer", DATA_DEPTH), field="mock_override.response")
                try:
                    response = json.loads(text)
                except ValueError as exc:
                    raise InvalidInput(f"The mocked answer is not JSON: {exc}.", field="mock_override.response") from None
                now = {step["state"]: step["response"] for step in simulation.redrive_options(execution=execution)["steps"]}
                if now.get(request.POST["redrive_state"]) != response:  # the prefilled answer, unchanged, is no change
                    body["mock_override"] = {"state": request.POST["redrive_state"], "response": response}
        elif body["command"] == "set_breakpoints":
            body["breakpoints"] = request.POST.getlist("breakpoints")
        update = runner.command(user=request.user, execution_id=execution.pk, body=body)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("execution-page", execution_id=execution.pk)
    live.publish_sync(update)
    if body["command"] in ("continue", "redrive"):
        runner.wake_after_commit(execution.pk)
    return redirect("execution-page", execution_id=execution.pk)
