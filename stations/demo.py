"""Demo logins and stations across several districts, with hours, facilities, 片区 and grids (idempotent).

The demo logins (README) are made here because what they see is a matter of stations: a district
admin's district, a staff member's station membership. Several streets are deliberately left without a station (e.g. 徐汇区 斜土路、虹梅路、凌云路、龙华街道、华泾镇)
so the coverage page has something to show.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from core.models import Role, UserProfile

from .models import Area, District, Grid, Station, StationHours, StationMembership, Street

S = Station.Status
H = Station.HostType
DEMO_PASSWORD = "demo-password"  # demo data only, refused in production (load_demo_data)

# The stations of the demo logins and their neighbours: (code, name, street code, address, lat, lng, status)
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

# username, role, district code, station code, station role, display name
DEMO_USERS = [
    ("staff_demo", Role.STAFF, None, "XH-XJH-01", "head", "王晓燕"),
    ("staff_demo2", Role.STAFF, None, "XH-HN-01", "specialist", "李建国"),
    ("staff_demo3", Role.STAFF, None, "PD-LJZ-01", "specialist", "陈思敏"),
    ("district_demo", Role.DISTRICT, "310104", None, None, "徐汇区就业促进中心"),
    ("city_demo", Role.CITY, None, None, None, "市就业促进中心"),
]

# code, name, street code, address, lat, lng (WGS-84), status, host type
MORE_STATIONS = [
    ("XH-TP-01", "天平路街道天平社区就业服务站", "310104003", "徐汇区天平路 245 号党群服务中心", 31.2040, 121.4385, S.OPERATING, H.PARTY_CENTER),
    ("XH-FL-01", "枫林路街道枫林社区就业服务站", "310104008", "徐汇区枫林路 388 号", 31.1985, 121.4555, S.SUSPENDED, H.COMMUNITY_FACILITY),
    ("XH-CHJ-01", "漕河泾街道漕河泾社区就业服务站", "310104017", "徐汇区漕宝路 1 号", 31.1660, 121.4380, S.OPERATING, H.EMPLOYMENT_PLATFORM),
    ("XH-CQ-01", "长桥街道长桥社区就业服务站", "310104010", "徐汇区龙川北路 300 号", 31.1420, 121.4425, S.PLANNED, H.SOCIAL_WORK),
    ("CN-XHL-01", "新华路街道新华社区就业服务站", "310105004", "长宁区新华路 200 号", 31.2055, 121.4260, S.OPERATING, H.PARTY_CENTER),
    ("CN-XX-01", "仙霞新村街道仙霞社区就业服务站", "310105008", "长宁区仙霞路 700 号", 31.2070, 121.3960, S.OPERATING, H.COMMUNITY_FACILITY),
    ("PT-CY-01", "曹杨新村街道曹杨社区就业服务站", "310107005", "普陀区曹杨路 500 号", 31.2395, 121.4125, S.OPERATING, H.PARTY_CENTER),
    ("HK-SCB-01", "四川北路街道四川北路社区就业服务站", "310109017", "虹口区四川北路 1800 号", 31.2585, 121.4855, S.PILOT, H.COMMUNITY_FACILITY),
    ("YP-WJC-01", "五角场街道五角场社区就业服务站", "310110019", "杨浦区国定路 600 号", 31.3005, 121.5125, S.OPERATING, H.EMPLOYMENT_PLATFORM),
    ("YP-KJ-01", "控江路街道控江社区就业服务站", "310110012", "杨浦区控江路 1500 号", 31.2765, 121.5245, S.OPERATING, H.PARTY_CENTER),
    ("MH-GM-01", "古美街道古美社区就业服务站", "310112006", "闵行区古美路 1000 号", 31.1530, 121.4035, S.OPERATING, H.PARTY_CENTER),
    ("MH-XZ-01", "莘庄镇莘庄社区就业服务站", "310112101", "闵行区莘建路 100 号", 31.1105, 121.3855, S.OPERATING, H.SOCIAL_WORK),
    ("BS-YYL-01", "友谊路街道友谊社区就业服务站", "310113003", "宝山区友谊路 1 号", 31.4020, 121.4850, S.OPERATING, H.COMMUNITY_FACILITY),
    ("JD-JDZ-01", "嘉定镇街道嘉定镇社区就业服务站", "310114004", "嘉定区博乐路 100 号", 31.3835, 121.2475, S.OPERATING, H.PARTY_CENTER),
    ("PD-ZJ-01", "张江镇张江社区就业服务站", "310115125", "浦东新区祖冲之路 1000 号", 31.2040, 121.5905, S.OPERATING, H.EMPLOYMENT_PLATFORM),
    ("PD-TQ-01", "塘桥街道塘桥社区就业服务站", "310115008", "浦东新区塘桥新路 100 号", 31.2155, 121.5175, S.PILOT, H.PARTY_CENTER),
    ("SJ-YY-01", "岳阳街道岳阳社区就业服务站", "310117001", "松江区中山中路 100 号", 31.0115, 121.2295, S.OPERATING, H.COMMUNITY_FACILITY),
]

WEEKDAYS = [(d, datetime.time(9), datetime.time(17)) for d in range(5)]
WITH_SATURDAY = [*WEEKDAYS, (5, datetime.time(9), datetime.time(12))]
ALL_FACILITIES = [f.value for f in Station.Facility]
BASIC_FACILITIES = ["service_desk", "self_service", "notice_board"]
ALL_SERVICES = [s.value for s in Station.Service]
BASIC_SERVICES = ["job_info", "career_guidance", "registration", "policy"]

# street code → [(片区, [grids]), ...]; areas left without a station show up on the coverage page
AREAS = {
    "310104014": [("汇站片区", ["汇站第一网格", "汇站第二网格"]), ("乐山片区", ["乐山第一网格"])],
    "310104004": [("武康片区", ["武康第一网格", "武康第二网格"])],
    "310115005": [("陆家嘴片区", ["陆家嘴第一网格"]), ("梅园片区", ["梅园第一网格"])],
}
STATION_AREA = {"XH-XJH-01": ("310104014", "汇站片区"), "XH-HN-01": ("310104004", "武康片区"),
                "PD-LJZ-01": ("310115005", "陆家嘴片区")}
STAFF_GRIDS = {"staff_demo": ("XH-XJH-01", ["汇站第一网格", "汇站第二网格"]),
               "staff_demo2": ("XH-HN-01", ["武康第一网格"]), "staff_demo3": ("PD-LJZ-01", ["陆家嘴第一网格"])}


def _registry_fields(i: int, status: str) -> dict:
    fields = {
        "floor_area": 60 + (i * 17) % 140,
        "facilities": ALL_FACILITIES if i % 3 == 0 else BASIC_FACILITIES,
        "services": ALL_SERVICES if i % 2 == 0 else BASIC_SERVICES,
        "opened_on": datetime.date(2024, 1 + i % 12, 1 + i % 27) if status != S.PLANNED else None,
        "status_since": datetime.date(2025, 1 + i % 12, 1),
        "suspended_on": datetime.date(2025, 10, 1) if status == S.SUSPENDED else None,
    }
    return fields


def _hours(station: Station, hours) -> None:
    for weekday, opens, closes in hours:
        StationHours.objects.update_or_create(station=station, weekday=weekday,
                                              defaults={"opens": opens, "closes": closes})


def _login_stations() -> dict[str, Station]:
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


def ensure_demo_password(user) -> None:
    """Give an existing demo user the documented password when theirs does not check here (hashed under other
    settings' hasher, or changed)."""
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


def _logins(stations: dict[str, Station]) -> dict:
    User = get_user_model()
    users = {}
    for username, role, district_code, station_code, station_role, display_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
            if role == Role.CITY:
                user.is_staff = True
                user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        else:
            ensure_demo_password(user)
        district = District.objects.get(code=district_code) if district_code else None
        UserProfile.objects.get_or_create(
            user=user, defaults={"role": role, "district": district, "display_name": display_name}
        )
        if station_code:
            StationMembership.objects.get_or_create(
                user=user, station=stations[station_code], defaults={"role": station_role}
            )
        users[username] = user
    return users


def load(*, users, stations, stdout) -> None:
    """Fills `users` (the demo logins by username) and `stations` (theirs and their neighbours', by code)
    for the apps whose demo data comes after."""
    if not Street.objects.exists():
        raise CommandError("Load reference data first: manage.py load_reference_data")
    stations.update(_login_stations())
    users.update(_logins(stations))
    streets = {s.code: s for s in Street.objects.filter(code__in=[r[2] for r in MORE_STATIONS] + list(AREAS))}
    all_stations = dict(stations)
    for i, (code, name, street, address, lat, lng, status, host) in enumerate(MORE_STATIONS):
        station, _ = Station.objects.get_or_create(code=code, defaults={
            "name": name, "street": streets[street], "address": address, "lat": lat, "lng": lng, "status": status,
            "host_type": host, "phone": f"021-64{i:02d}{(i * 37) % 100:02d}88", "service_flow": Station.ServiceFlow.STANDARD,
            **_registry_fields(i, status)})
        all_stations[code] = station
    # the logins' stations get the registry fields they lack
    for i, station in enumerate(stations.values(), start=len(MORE_STATIONS)):
        if not station.facilities:
            for key, value in _registry_fields(i, station.status).items():
                setattr(station, key, value)
            station.save()
    for i, station in enumerate(all_stations.values()):
        if station.status != S.PLANNED:
            _hours(station, WITH_SATURDAY if i % 2 else WEEKDAYS)

    areas, grids = {}, {}
    for street_code, rows in AREAS.items():
        street = streets[street_code]
        for n, (area_name, grid_names) in enumerate(rows, start=1):
            area, _ = Area.objects.get_or_create(street=street, name=area_name,
                                                 defaults={"code": f"{street_code}-P{n:02d}"})
            areas[(street_code, area_name)] = area
            for m, grid_name in enumerate(grid_names, start=1):
                grid, _ = Grid.objects.get_or_create(street=street, name=grid_name,
                                                     defaults={"area": area, "code": f"{street_code}-P{n:02d}-G{m:02d}"})
                grids[grid_name] = grid
    for code, key in STATION_AREA.items():
        if code in all_stations and all_stations[code].area_id is None:
            all_stations[code].area = areas[key]
            all_stations[code].save(update_fields=["area", "updated_at"])
    for username, (code, grid_names) in STAFF_GRIDS.items():
        membership = StationMembership.objects.filter(user=users.get(username), station=all_stations.get(code)).first()
        if membership is not None:
            membership.grids.add(*[grids[g] for g in grid_names])
    stdout.write(f"stations demo: {len(all_stations)} stations, {len(areas)} 片区, {len(grids)} grids")
