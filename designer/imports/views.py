"""The import page: upload or paste a file, then fill in its placeholders (or keep them).

Two steps, both plain forms that work without JavaScript. The first reads the file; when it
holds no placeholders and one state machine, the workflow is created at once. Otherwise the file
is kept in the session and the second step lists each placeholder with where it is used, where
the real value comes from and a suggested value, so the person importing can fill it in, change
it, or keep the placeholder as written.
"""
from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from interpreter.sources import MAX_TEXT_BYTES

from ..errors import DomainError, InvalidInput
from . import services as imports

FORMATS = {"json": "json", "yaml": "yaml", "yml": "yaml", "tf": "terraform"}
KIND_WORDS = {"asl": "an Amazon States Language definition", "sam": "a SAM template",
              "cloudformation": "a CloudFormation template", "serverless": "a Serverless Framework file",
              "terraform": "a Terraform file", "aws-cli": "an AWS CLI state machine description"}
PENDING_KEPT = 3  # files a session keeps between the two steps


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if request.method == "GET":
        return render(request, "designer/import.html", {"step": "upload"})
    try:
        if request.POST.get("pending"):
            return _confirm(request)
        return _upload(request)
    except DomainError as exc:
        return render(request, "designer/import.html", {"step": "upload", "error": exc.message,
                                                        "name": request.POST.get("name", "")}, status=400)


def _upload(request):
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > MAX_TEXT_BYTES:
            raise InvalidInput(f"The file is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB.")
        data: str | bytes = upload.read()
        filename = upload.name
        fmt = FORMATS.get(filename.rsplit(".", 1)[-1].lower()) if "." in filename else None
    else:
        data = request.POST.get("text", "")
        filename, fmt = None, None
    if not data:
        raise InvalidInput("Choose a file, or paste its text.")
    imported = imports.import_read(data=data, fmt=fmt)
    name = request.POST.get("name", "").strip()
    if not imported.source.placeholders and len(imported.source.machines) <= 1:
        workflow = imports.import_workflow_create(owner=request.user, imported=imported, name=name, filename=filename)
        return redirect("workflow-editor", workflow_id=workflow.pk)
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    key = _keep(request, {"text": text, "fmt": fmt, "filename": filename})
    return _review(request, key, imported, name, filename)


def _confirm(request):
    key = request.POST["pending"]
    pending = request.session.get("pending_imports", {}).get(key)
    if pending is None:
        raise InvalidInput("This import has expired: choose the file again.")
    machine = request.POST.get("machine") or None
    name = request.POST.get("name", "").strip()
    if machine != (request.POST.get("shown_machine") or None):
        # Another state machine of the file: its placeholders are not the ones on the page.
        imported = imports.import_read(data=pending["text"], fmt=pending["fmt"], machine=machine)
        return _review(request, key, imported, name, pending["filename"])
    values = {}
    for i in range(int(request.POST.get("count", "0") or 0)):
        placeholder = request.POST.get(f"name_{i}")
        value = request.POST.get(f"value_{i}", "")
        if placeholder and not request.POST.get(f"keep_{i}") and value != "":
            values[placeholder] = value
    imported = imports.import_read(data=pending["text"], fmt=pending["fmt"], machine=machine,
                                   substitutions=imports.substitutions_parse(values))
    workflow = imports.import_workflow_create(owner=request.user, imported=imported, name=name,
                                              filename=pending["filename"])
    request.session.get("pending_imports", {}).pop(key, None)
    request.session.modified = True
    return redirect("workflow-editor", workflow_id=workflow.pk)


def _keep(request, pending: dict) -> str:
    kept = request.session.get("pending_imports", {})
    while len(kept) >= PENDING_KEPT:
        kept.pop(next(iter(kept)))
    key = secrets.token_urlsafe(12)
    kept[key] = pending
    request.session["pending_imports"] = kept
    return key


def _review(request, key: str, imported: imports.Imported, name: str, filename: str | None):
    source = imported.source
    rows = [{"index": i, "placeholder": p, "value": "" if p.suggestion is None else p.suggestion,
             "states": ", ".join(p.states) or "the workflow's settings"}
            for i, p in enumerate(source.placeholders)]
    return render(request, "designer/import.html", {
        "step": "review", "pending": key, "source": source, "rows": rows, "count": len(rows),
        "kind_words": KIND_WORDS.get(source.kind, "a file"), "filename": filename,
        "name": name or (filename.rsplit(".", 1)[0] if filename else "") or (source.machine or ""),
    })
