"""Factories for the station registry tests."""

import datetime
import itertools

import factory

from jobseekers.models import JobseekerArchive
from stations.models import Area, Grid, StationHours
from tests.factories import street

_ids = itertools.count(1)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    street = factory.LazyFunction(lambda: street("310104014"))
    name = factory.Sequence(lambda n: f"测试片区{n}")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    street = factory.LazyFunction(lambda: street("310104014"))
    name = factory.Sequence(lambda n: f"测试网格{n}")


def weekday_hours(station, opens=datetime.time(9), closes=datetime.time(17), days=range(7)):
    for d in days:
        StationHours.objects.create(station=station, weekday=d, opens=opens, closes=closes)


def archive(station, lat, lng, *, is_open=True):
    """A bare archive row with a home position (the jobseekers app owns the real create service)."""
    n = next(_ids)
    return JobseekerArchive.objects.create(
        station=station, name=f"居民{n}", id_number_encrypted="x", id_number_hash=f"hash-{n}-{lat}-{lng}",
        id_number_last4=f"{n % 10000:04d}", birth_date=datetime.date(1980, 1, 1), sex="M", lat=lat, lng=lng,
        is_open=is_open, closed_reason="" if is_open else "已就业迁出")


def station_post(street_obj, **overrides):
    """A complete, valid POST body for the station form."""
    data = {
        "street": street_obj.pk, "community": "测试", "name": f"{street_obj.name}测试社区就业服务站", "code": "NEW-001",
        "area": "", "host_type": "party_center", "address": "测试路 8 号", "lat": "31.1950", "lng": "121.4390",
        "phone": "021-64001234", "floor_area": "120", "facilities": ["service_desk", "notice_board"],
        "services": ["job_info", "policy"], "service_flow": "standard", "status": "operating",
        "opened_on": "2025-03-01", "status_since": "", "suspended_on": "",
    }
    for d in range(5):
        data[f"opens_{d}"], data[f"closes_{d}"] = "09:00", "17:00"
    for d in (5, 6):
        data[f"opens_{d}"], data[f"closes_{d}"] = "", ""
    data.update(overrides)
    return data
