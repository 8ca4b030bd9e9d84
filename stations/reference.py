"""Reference data: Shanghai's 16 districts and their streets/towns (reference_data/SOURCES.md)."""

from core.reference import rows, upsert

from .models import District, Street


def load(*, stdout) -> None:
    districts = [
        {"code": r["district_code"], "name": r["district_name"], "short_name": r["short_name"],
         "lat": float(r["lat_wgs84"]), "lng": float(r["lng_wgs84"])}
        for r in rows("shanghai_districts.csv")
    ]
    d = upsert(District, "code", districts)
    by_code = dict(District.objects.values_list("code", "pk"))
    streets = [
        {"code": r["street_code"], "code_12": r["street_code_12"], "mca_code": r["mca_code"],
         "mca_name": r["mca_name"], "name": r["street_name"], "kind": r["kind"],
         "is_admin": r["is_admin"] == "1", "district_id": by_code[r["district_code"]]}
        for r in rows("shanghai_divisions.csv")
    ]
    s = upsert(Street, "code", streets)
    stdout.write(f"reference data: districts +{d[0]}/~{d[1]}, streets +{s[0]}/~{s[1]} "
                 f"(total {District.objects.count()}, {Street.objects.count()})")
