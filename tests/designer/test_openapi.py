"""schemathesis over the whole OpenAPI schema: every operation, a bounded number of generated
requests each, on real objects; any 5xx, any status, content type, header or body the schema does
not declare fails the test."""
from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from designer.samples import SAMPLES_DIR

EXAMPLES = 6  # per operation: with ~50 operations, 20 to 60 s in all on a loaded 2-core machine
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def _schema():
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture
def world(db, users, workflow):
    """Real objects for the path parameters, so that most requests reach the view's work."""
    from rest_framework.authtoken.models import Token

    from designer.simulation import services as simulation

    config = json.loads((SAMPLES_DIR / "account-application.mocks.json").read_text())
    sample_input = json.loads((SAMPLES_DIR / "account-application.input.json").read_text())
    case = simulation.test_case_create(user=users["owner"], workflow=workflow, name="FlaggedAddressApprovedByReviewer",
                                       input=sample_input, mock_config=config)
    execution, _ = simulation.execution_start(user=users["owner"], workflow=workflow, test_case_id=case.pk, seed=1)
    simulation.execution_start(user=users["owner"], workflow=workflow, input={}, seed=2)  # no test case: null
    return {"token": Token.objects.create(user=users["owner"]).key,
            "ids": {"workflow_id": workflow.pk, "execution_id": execution.pk, "test_case_id": case.pk,
                    "number": 1, "user_id": users["editor"].pk}}


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_the_schema_says(case, world):
    for name, value in world["ids"].items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    case.call_and_validate(headers={"Authorization": f"Token {world['token']}"}, checks=CHECKS)

