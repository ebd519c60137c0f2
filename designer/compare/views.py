"""Pages: compare two versions (``Compare vN with vM``)."""
from __future__ import annotations

import json

from channels.db import DatabaseSyncToAsync
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .. import graph, selectors
from ..errors import DomainError, NotFound
from . import document, graphs
from . import selectors as compare

def _narrative_texts(version) -> dict[str, str]:
    return {step.state: f"{step.number}. {step.text}" for step in
            reversed(compare.version_narrative(version=version).all_steps())}


@login_required
def compare_page(request, workflow_id: int):
    try:
        workflow = selectors.workflow_get(user=request.user, workflow_id=workflow_id)
    except NotFound:
        raise Http404("No such workflow.") from None
    versions = list(selectors.version_list(workflow=workflow))
    if not versions:
        raise Http404("This workflow has no versions to compare.")
    latest = versions[0].number
    params = request.GET
    try:
        new_number = compare.number_param(params.get("to"), "to") if params.get("to") else latest
        old_number = compare.number_param(params.get("from"), "from") if params.get("from") else \
            next((v.number for v in versions if v.number < new_number), new_number)
        other = params.get("to_workflow")
        pair = compare.version_pair_get(user=request.user, workflow_id=workflow.pk, old_number=old_number,
                                        new_number=new_number,
                                        new_workflow_id=compare.number_param(other, "to_workflow") if other else None)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        return render(request, "designer/compare/refused.html", {"workflow": workflow, "message": exc.message},
                      status=exc.status_code)
    d = compare.version_diff(pair=pair)
    report = compare.compare_report(pair=pair)
    old_def, new_def = pair.old.definition, pair.new.definition
    union = graphs.union_definition(old_def, new_def, d)
    layers = graphs.layers(d, old_def, new_def, union)
    page = {
        "workflowId": workflow.pk, "from": pair.old.number, "to": pair.new.number, "report": report,
        "marks": {side: graphs.state_marks(d, side) for side in ("union", "old", "new")},
        "narrative": {"old": _narrative_texts(pair.old), "new": _narrative_texts(pair.new)},
        "behaviourUrl": f"/api/workflows/{workflow.pk}/compare/behaviour/?from={pair.old.number}&to={pair.new.number}",
    }
    changes = [{**s, "raw": json.dumps(s["fields"], indent=1, ensure_ascii=False)}
               for s in report["states"] if not s["inside"]]
    return render(request, "designer/compare/compare.html", {
        "workflow": workflow, "pair": pair, "report": report, "versions": versions, "page": page,
        "mode": "side" if params.get("mode") == "side" else "union",
        "svg_union": graph.render_svg(union.definition, layers=[layers["union"]]),
        "svg_old": graph.render_svg(old_def, layers=[layers["old"]]),
        "svg_new": graph.render_svg(new_def, layers=[layers["new"]]), "changes": changes,
        "problem_sides": [("from", report["from"]), ("to", report["to"])],
    })


@login_required
def _review_document(request, workflow_id: int, number: int):
    """One version as a printable page (the browser's "Save as PDF" makes the file)."""
    diff_from = request.GET.get("diff_from") or None
    try:
        doc = document.review_document_get(
            user=request.user, workflow_id=workflow_id, number=number,
            diff_from=compare.number_param(diff_from, "diff_from") if diff_from else None)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        workflow = selectors.workflow_get(user=request.user, workflow_id=workflow_id)
        return render(request, "designer/compare/refused.html", {"workflow": workflow, "message": exc.message},
                      status=exc.status_code)
    return render(request, "designer/compare/review_document.html", {
        "doc": doc, "workflow": doc.workflow, "version": doc.version, "narrative": doc.narrative.as_dict(),
        "changes": [s for s in doc.changes["states"] if not s["inside"]] if doc.changes else [],
    })


# The document may run the test cases (when no suite run of the version is stored): off the one
# thread synchronous views share, as the suites' own runs are.
_review_document_off_thread = DatabaseSyncToAsync(_review_document, thread_sensitive=False)


async def review_document(request, workflow_id: int, number: int):
    return await _review_document_off_thread(request, workflow_id, number)
