"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model

from core.models import Role, UserProfile
from stations.models import District, Station, StationMembership, Street


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-123")


def street(code: str) -> Street:
    return Street.objects.get(code=code)


def district(code: str) -> District:
    return District.objects.get(code=code)


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"{o.street.name}测试{o.code}社区就业服务站")
    street = factory.LazyFunction(lambda: street("310104014"))  # 徐家汇街道
    address = "测试路 1 号"
    lat = 31.1935
    lng = 121.4370
    status = Station.Status.OPERATING


def make_staff(username: str, *stations: Station, role: str = "specialist"):
    user = UserFactory(username=username)
    UserProfile.objects.update_or_create(user=user, defaults={"role": Role.STAFF, "display_name": username})
    for s in stations:
        StationMembership.objects.get_or_create(user=user, station=s, defaults={"role": role})
    return user


def make_district_admin(username: str, district_code: str):
    user = UserFactory(username=username)
    UserProfile.objects.update_or_create(
        user=user, defaults={"role": Role.DISTRICT, "district": district(district_code)}
    )
    return user


def make_city_admin(username: str):
    user = UserFactory(username=username)
    UserProfile.objects.update_or_create(user=user, defaults={"role": Role.CITY})
    return user


def xlsx(rows, headers) -> bytes:
    """An .xlsx upload: `headers`, then each of `rows`, cells as given (a formula stays a formula)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for values in rows:
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
