"""The project's own real-world corpus (tests/realworld, see its NOTICE): every file validates,
imports through the API, renders and starts a simulation.

The files are what people deploy workflows from: SAM and CloudFormation templates (JSON and
YAML, DefinitionSubstitutions, !Sub, Fn::Join as the CDK writes it), Serverless Framework files,
Terraform (heredocs, jsonencode, templatefile templates), plain ASL in JSON and YAML, and the
AWS CLI's description of a deployed machine. `cases.json` gives each an input, and values for
the placeholders a bare templatefile() template cannot suggest.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interpreter.sources import read_source
from interpreter.validation import validate

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[1] / "realworld"
CASES = json.loads((CORPUS / "cases.json").read_text())
FILES = sorted(p.name for p in CORPUS.iterdir() if p.name not in ("NOTICE", "cases.json"))


def test_the_corpus_is_large_and_varied():
    assert len(FILES) >= 40
    kinds = {read_source((CORPUS / name).read_bytes(), fmt="terraform" if name.endswith(".tf") else None).kind
             for name in FILES}
    assert kinds == {"asl", "sam", "cloudformation", "serverless", "terraform", "aws-cli"}
    assert set(FILES) == set(CASES) - {"_about"}


@pytest.mark.parametrize("name", FILES)
def test_file_validates_imports_renders_and_simulates(name, client_for):
    case = CASES[name]
    data = (CORPUS / name).read_bytes()
    source = read_source(data, fmt="terraform" if name.endswith(".tf") else None)
    values = {**source.suggested(), **case.get("substitutions", {})}
    assert {p.name for p in source.placeholders} <= set(values), "a placeholder has no value to simulate with"
    definition = source.filled(values)
    errors = [str(d) for d in validate(definition) if d.severity == "error"]
    assert errors == []

    client = client_for("owner")
    query = "?fill=suggested&substitutions=" + quote(json.dumps(case.get("substitutions", {})))
    imported = client.post("/api/workflows/import/" + query, {"file": SimpleUploadedFile(name, data)},
                           format="multipart")
    assert imported.status_code == 201, imported.content
    workflow = imported.json()
    assert all(p["filled"] for p in workflow["import"]["placeholders"])
    version = client.get(f"/api/workflows/{workflow['id']}/versions/1/").json()
    assert version["definition"] == definition
    assert version["is_valid"], version["problems"]

    svg = client.get(f"/api/workflows/{workflow['id']}/versions/1/export/svg/")
    assert svg.status_code == 200
    drawn = {html.unescape(m) for m in re.findall(r'data-state="([^"]*)"', svg.content.decode())}
    assert set(definition["States"]) <= drawn

    started = client.post(f"/api/workflows/{workflow['id']}/executions/", {"input": case["input"]}, format="json")
    assert started.status_code == 201, started.content
    run = started.json()
    stepped = client.post(f"/api/executions/{run['id']}/control/", {"command": "step"}, format="json")
    assert stepped.status_code in (200, 409), stepped.content  # 409: the run already ended or waits
    events = client.get(f"/api/executions/{run['id']}/events/").json()
    assert events["events"][0]["type"] == "ExecutionStarted"
    assert "Internal" not in json.dumps(events)
