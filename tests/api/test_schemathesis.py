"""Schemathesis over the whole OpenAPI schema, in-process (WSGI): every operation, as a staff member and anonymous.

Bounded examples per operation keep it to about a minute on two cores; every check runs (status codes
documented, bodies matching their schemas, content types, no 5xx). A failure prints the request to replay.
"""

from __future__ import annotations

import json
import os

import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

MAX_EXAMPLES = 3
# The coverage phase (every boundary and wrong-type value of every parameter, ~6x the run time) runs with
# SCHEMATHESIS_FULL=1, e.g. `make test PYTEST_ARGS="tests/api"` with it set; `make test` runs the
# examples and the bounded fuzzing.
FULL = os.environ.get("SCHEMATHESIS_FULL") == "1"
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": FULL}}})




def _load_schema():
    # Generated in-process (no request, so no database at collection time); the same document /api/schema/ serves.
    raw = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder))
    loaded = schemathesis.openapi.from_dict(raw, config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


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

