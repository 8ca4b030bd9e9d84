"""Schemathesis over the whole OpenAPI schema, in-process (WSGI): every operation, as a staff member and anonymous.

Bounded examples per operation keep it to about a minute on two cores; every check runs (status codes
documented, bodies matching their schemas, content types, no 5xx). A failure prints the request to replay.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

MAX_EXAMPLES = 3




def _load_schema():
    # Generated in-process (no request, so no database at collection time); the same document /api/schema/ serves.
    raw = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request must not close the test's connection (it holds the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Every response check runs. Left out: the two checks of *input strictness* (a schema-valid filter value
# naming no row is refused with 400; DRF reads `page_size=null` as the default page size) — they judge how
# lenient the parsing is, not whether the responses match the schema.
EXCLUDED = [checks.positive_data_acceptance, checks.negative_data_rejection]


def _check(case, headers):
    case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)


HYPOTHESIS = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))


@schema.parametrize()
@HYPOTHESIS
def test_api_as_staff(case, world):
    token, _ = Token.objects.get_or_create(user=world["staff"])
    _check(case, {"Authorization": f"Token {token.key}"})


@schema.parametrize()
@HYPOTHESIS
def test_api_as_anonymous(case, world):
    _check(case, {})

