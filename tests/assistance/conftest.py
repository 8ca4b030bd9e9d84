import pytest

from tests.assistance.factories import make_person, make_policy


@pytest.fixture
def claim_policy(reference_data):
    """A verified subsidy for unemployed people aged 40+, with two required documents and an amount."""
    return make_policy(rule={"all": [{"fact": "status", "op": "in", "value": ["unemployed"]},
                                     {"fact": "age", "op": ">=", "value": 40}]},
                       docs=("身份证", "失业证明"), amount="500.00", name="测试补贴")


@pytest.fixture
def person(world):
    """An unemployed 51-year-old of station A (birth 1975-03-10)."""
    return make_person(world["station_a"], name="张三")


@pytest.fixture(autouse=True)
def _only_the_tests_policies(db):
    """The migration seeds the catalogue; tests count what their own policies find."""
    from assistance.models import Policy

    Policy.objects.update(is_active=False)
