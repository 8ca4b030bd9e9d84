"""A resident on a phone finds a program near them, reads the subsidy explainer and says 我想报名."""

import pytest

from jobs.models import Lead
from tests.training.factories import make_program, make_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_finds_a_nearby_program_and_signs_up(page, live_server, reference_data, world):
    a = world["station_a"]
    program = make_program(make_provider(a), title="育婴员（五级）周末班", subsidy_text="结业取证后可全额报销。")
    page.goto(f"{live_server.url}/training/")
    page.fill("#id_q", "育婴员")
    page.select_option("#id_near_street", str(a.street_id))
    page.select_option("#id_within", "15")
    page.select_option("#id_sort", "distance")
    page.click("button[type=submit]")
    results = page.locator("[data-testid=catalog-results]")
    assert "育婴员（五级）周末班" in results.inner_text() and "步行约" in results.inner_text()
    page.click("text=育婴员（五级）周末班")
    assert "结业取证后可全额报销。" in page.locator("[data-testid=subsidy]").inner_text()
    page.fill("#id_name", "周阿姨")
    page.fill("#id_phone", "13912345670")
    page.check("#id_consent")
    page.click("[data-testid=signup-submit]")
    assert "周阿姨" not in page.locator("[data-testid=signup-done]").inner_text()
    assert "139****5670" in page.locator("[data-testid=signup-done]").inner_text()
    lead = Lead.objects.get()
    assert lead.station == a and program.title in lead.subject
