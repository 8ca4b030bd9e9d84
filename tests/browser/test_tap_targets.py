"""On a phone, every control of the public pages is at least 44 px tall (WCAG 2.5.5 target size)."""

import pytest

from tests.jobs.factories import make_employer, make_posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROLS = ("button, select, summary, a.btn, a.tap, a[target=_blank], .form-check, "
            "input:not([type=hidden]):not([type=checkbox]):not([type=radio])")


def too_small(page) -> list[str]:
    """Visible controls inside .public-page shorter than 44 px, described for the failure message."""
    return page.eval_on_selector_all(f".public-page :is({CONTROLS})", """els => els
        .filter(e => e.offsetParent !== null)
        .map(e => [e.getBoundingClientRect().height, e.outerHTML.slice(0, 90)])
        .filter(([h]) => h < 44)
        .map(([h, html]) => Math.round(h) + "px " + html)""")


def test_public_pages_have_44px_tap_targets(page, live_server, reference_data, world):
    a = world["station_a"]
    a.phone = "021-64871234"
    a.save(update_fields=["phone"])
    posting = make_posting(make_employer(a, name="汇站便利店"), title="理货员", lat=a.lat + 0.001, lng=a.lng)
    pages = ["/", f"/stations/finder/?district={a.street.district_id}&street={a.street_id}",
             f"/stations/{a.pk}/public/", f"/jobs/search/?near_street={a.street_id}", f"/jobs/{posting.pk}/"]
    for path in pages:
        page.goto(live_server.url + path)
        for summary in page.locator(".public-page details:not([open]) summary").all():
            summary.click()  # the filters: measure what a resident opens
        assert too_small(page) == [], path
