"""The sample workflows shipped in ``designer/samples/`` and the demo account that owns them."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import TestCase, Workflow

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "statewise-demo"  # a local demo account, printed on purpose by load_samples

TITLES = {
    "account-application": "Bank account application",
    "break-glass-access": "Break-glass host access",
    "nutrition-labels": "Nutrition label validation",
}


@dataclass(frozen=True)
class Sample:
    slug: str
    name: str
    definition: dict


def sample_list() -> list[Sample]:
    samples = []
    for path in sorted(SAMPLES_DIR.glob("*.asl.json")):
        slug = path.name.removesuffix(".asl.json")
        samples.append(Sample(slug, TITLES.get(slug, slug.replace("-", " ").capitalize()),
                              json.loads(path.read_text(encoding="utf-8"))))
    return samples


@transaction.atomic
def samples_load(*, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> tuple[object, list[Workflow]]:
    """Create the demo user (password reset to the known one) and any sample workflow it lacks.
    Running it again changes nothing else: samples are matched by name."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    created = []
    for sample in sample_list():
        workflow = Workflow.objects.filter(owner=user, name=sample.name).first()
        if workflow is None:
            workflow = services.workflow_create(
                owner=user, name=sample.name, description=str(sample.definition.get("Comment", "")),
                definition=sample.definition, message="Sample workflow")
            created.append(workflow)
        _test_cases_load(user=user, workflow=workflow, slug=sample.slug)
    return user, created


def _test_cases_load(*, user, workflow: Workflow, slug: str) -> None:
    """One saved test case per test case of ``<slug>.mocks.json`` (a Step Functions Local mock
    config), each with ``<slug>.input.json`` as its input, or its input and expectations in
    ``<slug>.tests.yaml``; those already there are left alone."""
    mocks_path = SAMPLES_DIR / f"{slug}.mocks.json"
    if not mocks_path.exists():
        return
    from .simulation import test_case_create

    config = json.loads(mocks_path.read_text(encoding="utf-8"))
    input_path = SAMPLES_DIR / f"{slug}.input.json"
    sample_input = json.loads(input_path.read_text(encoding="utf-8")) if input_path.exists() else {}
    expectations = _expectations(slug)
    for machine in (config.get("StateMachines") or {}).values():
        for case in machine.get("TestCases") or {}:
            if not TestCase.objects.filter(workflow=workflow, name=case).exists():
                entry = dict(expectations.get(case) or {})
                tc = test_case_create(user=user, workflow=workflow, name=case, input=entry.pop("input", sample_input),
                                      mock_config=config, mock_test_case=case)
                if entry:
                    from .suites.services import expectations_set
                    expectations_set(user=user, test_case=tc, expectations=entry)


def _expectations(slug: str) -> dict:
    """The test cases' entries in ``<slug>.tests.yaml`` (input and expectations), by name."""
    path = SAMPLES_DIR / f"{slug}.tests.yaml"
    if not path.exists():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {name: {**({"input": data["input"]} if "input" in data else {}), **(entry or {})}
            for name, entry in (data.get("testCases") or {}).items()}
