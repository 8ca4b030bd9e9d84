"""Every form renders one way: PortalFormMixin's Bootstrap classes and aria attributes, includes/field.html through
FORM_RENDERER, and one error banner (includes/form_errors.html) with one wording."""

import importlib
import inspect
import re

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

from core.forms import PortalFormMixin

pytestmark = pytest.mark.django_db

BANNER = "本次未保存任何数据：请按标红的提示修改后再提交。"


def _tag(body: str, name: str) -> str:
    """The opening tag of the input/select named `name`."""
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', body).group(0)


def _form_classes():
    for app in settings.LOCAL_APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{app}.forms.{name}", cls


def test_every_form_of_the_portal_uses_the_one_mixin():
    found = dict(_form_classes())
    assert len(found) >= 15
    assert [name for name, cls in found.items() if not issubclass(cls, PortalFormMixin)] == []


def test_filtersets_shown_on_pages_use_the_portal_filter_form():
    from core.views import AuditEventFilterSet
    from jobseekers.filtersets import ArchiveFilterSet
    from matching.filtersets import PushRecordFilterSet, SmsOutboxFilterSet
    from stations.filtersets import AreaFilterSet, GridFilterSet, StationFilterSet

    for fs in (AuditEventFilterSet, ArchiveFilterSet, PushRecordFilterSet, SmsOutboxFilterSet, AreaFilterSet,
               GridFilterSet, StationFilterSet):
        assert issubclass(fs().form.__class__, PortalFormMixin), fs


def test_a_refused_form_shows_the_banner_and_marks_each_bad_field_for_eyes_and_screen_readers(client, world):
    client.force_login(world["district"])
    response = client.post(reverse("stations:station_create"), {"name": "", "code": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="form-errors"') == 1 and BANNER in body
    name_input = _tag(body, "name")
    assert 'class="form-control is-invalid"' in name_input and 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_name_error"' in name_input
    assert re.search(r'id="id_name_error"[^>]*data-testid="error-name"', body)
    assert "form-select is-invalid" in _tag(body, "host_type") and _tag(body, "area").count("form-select") == 1
    assert "is-invalid" not in _tag(body, "area")  # optional, left empty: not marked
    assert 'class="form-check-input"' in body  # the facility checkboxes
    # the help text is linked to its field
    lat_input = _tag(body, "lat")
    assert 'aria-describedby="id_lat_helptext"' in lat_input and 'id="id_lat_helptext"' in body


@pytest.mark.parametrize("url_name, user_key, data", [
    ("jobs:posting_create", "staff", {"title": ""}),
    ("jobs:employer_create", "staff", {"name": ""}),
    ("stations:area_create", "district", {"name": ""}),
    ("jobseekers:archive_create", "staff", {"name": ""}),
])
def test_every_staff_form_refuses_with_the_same_banner(client, world, url_name, user_key, data):
    client.force_login(world[user_key])
    body = client.post(reverse(url_name), data).content.decode()
    assert body.count('data-testid="form-errors"') == 1 and BANNER in body
    assert "is-invalid" in body and 'aria-invalid="true"' in body


def test_the_banner_has_english_text(client, world):
    client.force_login(world["district"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.post(reverse("stations:station_create"), {"name": ""}).content.decode()
    assert "Nothing was saved: please correct the fields marked in red and submit again." in body


def test_login_error_is_shown_without_the_nothing_saved_sentence(client, world):
    body = client.post("/accounts/login/", {"username": "staff_a", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in body and 'data-testid="form-errors"' in body and BANNER not in body
    assert 'class="form-control"' in _tag(body, "username")
