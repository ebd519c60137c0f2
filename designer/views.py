"""Pages. Each gathers what a template needs through selectors; writes go through services."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import graph, selectors, services
from .asl_io import read_definition
from .errors import DomainError, NotFound
from .vocabulary import vocabulary


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
    if number and number.isdigit():
        try:
            version = selectors.version_get(workflow=workflow, number=int(number))
        except NotFound:
            raise Http404("No such version.") from None
    else:
        version = selectors.version_latest(workflow=workflow)
    definition = version.definition if version else services.EMPTY_DEFINITION
    problems = version.problems if version else []
    latest = selectors.version_latest(workflow=workflow)
    draft = selectors.draft_get(workflow=workflow, user=request.user) if not number else None
    page = {
        "workflowId": workflow.pk,
        "name": workflow.name,
        "role": role,
        "canEdit": role in ("owner", "editor"),
        "versionNumber": version.number if version else None,
        "latestVersion": latest.number if latest else None,
        "definition": definition,
        "problems": problems,
        "draft": {"definition": draft.definition, "baseVersion": draft.base_version,
                  "updated": draft.updated.isoformat()} if draft else None,
        "vocabulary": vocabulary(),
    }
    return render(request, "designer/editor.html", {
        "workflow": workflow, "version": version, "role": role, "page": page,
        # Drawn on the server too, so the graph shows before (and without) any script.
        "svg": graph.render_svg(definition, problems), "problems": problems,
    })


@login_required
def workflow_versions(request, workflow_id: int):
    workflow = _visible(request, workflow_id)
    return render(request, "designer/versions.html", {
        "workflow": workflow, "versions": selectors.version_list(workflow=workflow),
        "role": selectors.workflow_role(user=request.user, workflow=workflow)})
