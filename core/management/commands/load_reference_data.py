"""Load districts, streets/towns and the occupational classification from reference_data/ (idempotent)."""

import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Occupation
from stations.models import District, Street

DATA = Path(settings.BASE_DIR) / "reference_data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _upsert(model, key: str, rows: list[dict]) -> tuple[int, int]:
    """Create or update by `key`; untouched rows are not written. Returns (created, updated)."""
    existing = {getattr(o, key): o for o in model.objects.all()}
    if not existing:
        model.objects.bulk_create([model(**row) for row in rows])
        return len(rows), 0
    created = updated = 0
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model.objects.create(**row)
            existing[row[key]] = obj
            created += 1
            continue
        changed = [f for f, v in row.items() if getattr(obj, f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            obj.save(update_fields=changed)
            updated += 1
    return created, updated


class Command(BaseCommand):
    help = "Load Shanghai districts, streets/towns and the 2022 occupational classification."

    @transaction.atomic
    def handle(self, *args, **options):
        districts = [
            {"code": r["district_code"], "name": r["district_name"], "short_name": r["short_name"],
             "lat": float(r["lat_wgs84"]), "lng": float(r["lng_wgs84"])}
            for r in _rows("shanghai_districts.csv")
        ]
        d = _upsert(District, "code", districts)
        by_code = {x.code: x for x in District.objects.all()}
        streets = [
            {"code": r["street_code"], "code_12": r["street_code_12"], "mca_code": r["mca_code"],
             "mca_name": r["mca_name"], "name": r["street_name"], "kind": r["kind"],
             "is_admin": r["is_admin"] == "1", "district": by_code[r["district_code"]]}
            for r in _rows("shanghai_divisions.csv")
        ]
        s = _upsert(Street, "code", streets)

        occ_rows = sorted(_rows("occupations.csv"), key=lambda r: int(r["level"]))
        existing = {o.code: o for o in Occupation.objects.all()}
        created = updated = 0
        if not existing:  # first load: one insert per level (parents first)
            for level in (1, 2, 3, 4):
                batch = [Occupation(code=r["code"], name=r["name"], level=level, gbm_code=r["gbm_code"],
                                    parent=existing.get(r["parent_code"]) if r["parent_code"] else None)
                         for r in occ_rows if int(r["level"]) == level]
                for obj in Occupation.objects.bulk_create(batch):
                    existing[obj.code] = obj
                created += len(batch)
            occ_rows = []
        for r in occ_rows:
            values = {"name": r["name"], "level": int(r["level"]), "gbm_code": r["gbm_code"],
                      "parent": existing.get(r["parent_code"]) if r["parent_code"] else None}
            obj = existing.get(r["code"])
            if obj is None:
                existing[r["code"]] = Occupation.objects.create(code=r["code"], **values)
                created += 1
                continue
            changed = [f for f, v in values.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, values[f])
                obj.save(update_fields=changed)
                updated += 1
        self.stdout.write(
            f"reference data: districts +{d[0]}/~{d[1]}, streets +{s[0]}/~{s[1]}, "
            f"occupations +{created}/~{updated} (total {District.objects.count()}, "
            f"{Street.objects.count()}, {Occupation.objects.count()})"
        )
