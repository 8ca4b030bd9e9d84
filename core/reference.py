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
    """Create or update by `key`: new rows in one insert, changed rows saved with only their changed
    fields, untouched rows not written. Returns (created, updated)."""
    existing = {getattr(o, key): o for o in model.objects.all()}
    created = model.objects.bulk_create([model(**row) for row in rows if row[key] not in existing])
    updated = 0
    for row in rows:
        obj = existing.get(row[key])
        changed = [f for f, v in row.items() if getattr(obj, f) != v] if obj is not None else []
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            obj.save(update_fields=changed)
            updated += 1
    return len(created), updated


def load(*, stdout) -> None:
    """《职业分类大典（2022年版）》: 大类 → 中类 → 小类 → 细类, one level at a time (parents first)."""
    occupations = rows("occupations.csv")
    created = updated = 0
    for level in (1, 2, 3, 4):
        parents = dict(Occupation.objects.filter(level=level - 1).values_list("code", "pk"))
        c, u = upsert(Occupation, "code", [
            {"code": r["code"], "name": r["name"], "level": level, "gbm_code": r["gbm_code"],
             "parent_id": parents[r["parent_code"]] if r["parent_code"] else None}
            for r in occupations if int(r["level"]) == level
        ])
        created, updated = created + c, updated + u
    stdout.write(f"reference data: occupations +{created}/~{updated} (total {Occupation.objects.count()})")
