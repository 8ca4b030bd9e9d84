"""Reference data from reference_data/: the helpers every app's `reference.py` plug-in uses, and
core's own part, the 2022 occupational classification. Loads are idempotent (create or update by code)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings

from .models import Occupation


def rows(name: str) -> list[dict[str, str]]:
    """The rows of reference_data/<name> (UTF-8 CSV with a header)."""
    with (Path(settings.BASE_DIR) / "reference_data" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def upsert(model, key: str, rows: list[dict]) -> tuple[int, int]:
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


def load(*, stdout) -> None:
    """《职业分类大典（2022年版）》: 大类 → 中类 → 小类 → 细类, parents first."""
    occ_rows = sorted(rows("occupations.csv"), key=lambda r: int(r["level"]))
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
    stdout.write(f"reference data: occupations +{created}/~{updated} (total {Occupation.objects.count()})")
