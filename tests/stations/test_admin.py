"""The Django admin shows the registry (stations, hours and staff, 片区, grids, employers) but refuses to write it:
every write goes through the services, which check scope and record the audit event."""

import pytest

from core.models import AuditEvent
from stations.models import StationMembership
from tests.jobs.factories import make_employer

from .factories import AreaFactory, GridFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, world):
    user = world["city"]
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return user


def _registry(world):
    a = world["station_a"]
    area = AreaFactory(street=a.street, name="汇站片区")
    return {
        "station": (a, {"code": a.code, "name": "改过的名字", "street": a.street_id, "status": "suspended"}),
        "area": (area, {"street": a.street_id, "name": "改过的片区"}),
        "grid": (GridFactory(street=a.street, area=area, name="一号网格"), {"street": a.street_id, "name": "改过的网格"}),
        "employer": (make_employer(a, name="上海汇站便利店"), {"name": "改过的单位", "kind": "enterprise"}),
    }


@pytest.mark.parametrize("kind", ["station", "area", "grid", "employer"])
def test_admin_shows_a_registry_row_but_refuses_to_change_add_or_delete_it(client, world, root, kind):
    obj, post = _registry(world)[kind]
    model = type(obj)
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    before = (model.objects.count(), AuditEvent.objects.count(), str(obj))

    view = client.get(f"{base}{obj.pk}/change/")
    assert view.status_code == 200 and str(obj.name) in view.content.decode()
    assert 'name="_save"' not in view.content.decode()  # no save button: read-only

    assert client.post(f"{base}{obj.pk}/change/", post).status_code == 403
    assert client.post(f"{base}add/", post).status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert (model.objects.count(), AuditEvent.objects.count(), str(obj)) == before


def test_station_staff_and_hours_cannot_be_edited_through_the_admin_inlines(client, world, root):
    a = world["station_a"]
    body = client.get(f"/admin/stations/station/{a.pk}/change/").content.decode()
    assert 'name="memberships-0-role"' not in body and 'name="memberships-__prefix__-role"' not in body
    assert 'name="hours-__prefix__-opens"' not in body  # inlines shown, with no field to edit or add
    assert StationMembership.objects.filter(station=a).count() == 1
