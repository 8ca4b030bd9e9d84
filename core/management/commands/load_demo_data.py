"""Demo users, stations and (through each app's `demo.py`) sample records. Idempotent; never in production."""

import importlib

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Role, UserProfile
from stations.models import District, Station, StationMembership, Street

DEMO_PASSWORD = "demo-password"  # noqa: S105 - demo data only, refused in production

# (code, name, street code, address, lat, lng, status)
DEMO_STATIONS = [
    ("XH-XJH-01", "徐家汇街道汇站社区就业服务站", "310104014", "徐汇区漕溪北路 331 号党群服务中心 2 楼", 31.1935, 121.4370, "operating"),
    ("XH-HN-01", "湖南路街道武康社区就业服务站", "310104004", "徐汇区武康路 100 号社区综合服务设施", 31.2085, 121.4410, "operating"),
    ("XH-TL-01", "田林街道田林社区就业服务站", "310104011", "徐汇区田林路 130 号", 31.1755, 121.4180, "operating"),
    ("XH-KJ-01", "康健新村街道康健社区就业服务站", "310104013", "徐汇区康健路 1 号", 31.1610, 121.4185, "pilot"),
    ("PD-LJZ-01", "陆家嘴街道陆家嘴社区就业服务站", "310115005", "浦东新区东昌路 23 号党群服务中心", 31.2345, 121.5060, "operating"),
    ("PD-HM-01", "花木街道花木社区就业服务站", "310115016", "浦东新区梅花路 1000 号", 31.2085, 121.5540, "operating"),
    ("HP-NJD-01", "南京东路街道南东社区就业服务站", "310101002", "黄浦区贵州路 99 号", 31.2395, 121.4830, "operating"),
    ("JA-JAS-01", "静安寺街道静安社区就业服务站", "310106013", "静安区常德路 500 号", 31.2240, 121.4470, "planned"),
]

# username, role, district code, station code, station role
DEMO_USERS = [
    ("staff_demo", Role.STAFF, None, "XH-XJH-01", "head"),
    ("staff_demo2", Role.STAFF, None, "XH-HN-01", "specialist"),
    ("staff_demo3", Role.STAFF, None, "PD-LJZ-01", "specialist"),
    ("district_demo", Role.DISTRICT, "310104", None, None),
    ("city_demo", Role.CITY, None, None, None),
]
DISPLAY = {
    "staff_demo": "王晓燕", "staff_demo2": "李建国", "staff_demo3": "陈思敏",
    "district_demo": "徐汇区就业促进中心", "city_demo": "市就业促进中心",
}


class Command(BaseCommand):
    help = "Create demo logins, stations and sample records (idempotent). Refused in production."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is disabled in these settings (production).")
        if not Street.objects.exists():
            raise CommandError("Load reference data first: manage.py load_reference_data")
        with transaction.atomic():
            stations = self._stations()
            users = self._users(stations)
        for app in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(users=users, stations=stations, stdout=self.stdout)
        self.stdout.write(f"demo data ready (users: {', '.join(u for u, *_ in DEMO_USERS)})")

    def _stations(self) -> dict[str, Station]:
        streets = {s.code: s for s in Street.objects.filter(code__in=[s[2] for s in DEMO_STATIONS])}
        result = {}
        for code, name, street, address, lat, lng, status in DEMO_STATIONS:
            station, _ = Station.objects.get_or_create(
                code=code,
                defaults={"name": name, "street": streets[street], "address": address, "lat": lat, "lng": lng,
                          "status": status, "phone": "021-6400" + code[-2:] + "88"},
            )
            result[code] = station
        return result

    def _users(self, stations: dict[str, Station]) -> dict:
        User = get_user_model()
        users = {}
        for username, role, district_code, station_code, station_role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
                if role == Role.CITY:
                    user.is_staff = True
                    user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
            district = District.objects.get(code=district_code) if district_code else None
            UserProfile.objects.get_or_create(
                user=user, defaults={"role": role, "district": district, "display_name": DISPLAY[username]}
            )
            if station_code:
                StationMembership.objects.get_or_create(
                    user=user, station=stations[station_code], defaults={"role": station_role}
                )
            users[username] = user
        return users
