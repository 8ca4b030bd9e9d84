"""A schematic tile map: one square per district (or street), placed from reference coordinates, no boundaries.

Maps published in China need approved boundary data (审图号), and ECharts ships none any more; so the default
map is a grid of equal tiles placed near their reference point (the nearest free cell, in order of distance
from the centre), shaded by one measure in five classes, with stations drawn as points inside their own
tile. The breakdown table beside it is its table view. An operator with approved GeoJSON can use it instead
(README "Dashboard", `DASHBOARD_MAP_GEOJSON`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

CELL = 56
GAP = 4
# light to dark blue, readable on white; the text colour flips on the darker two
SHADES = ["#eef4fb", "#c6dbef", "#9ecae1", "#4292c6", "#08519c"]


@dataclass
class Tile:
    key: int
    name: str
    value: int
    x: int
    y: int
    fill: str
    text: str
    points: list[tuple[float, float, str]]

    @property
    def label(self) -> str:
        # Three characters fit a tile in Chinese; other languages show the whole name (user data, untranslated).
        return self.name[:3] if (get_language() or "").startswith("zh") else self.name

    @property
    def cx(self) -> float:
        return self.x + CELL / 2

    @property
    def label_y(self) -> float:
        return self.y + CELL / 2 + 5


def layout(items: list[tuple[int, float | None, float | None]]) -> dict[int, tuple[int, int]]:
    """(key, lat, lng) → (column, row): each item in the free cell nearest its scaled position."""
    located = [(k, lat, lng) for k, lat, lng in items if lat is not None and lng is not None]
    n = max(2, math.ceil(math.sqrt(len(items)) * 1.4))
    cells: dict[int, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    if located:
        lats = [lat for _k, lat, _l in located]
        lngs = [lng for _k, _l, lng in located]
        lat0, lat1, lng0, lng1 = min(lats), max(lats), min(lngs), max(lngs)
        mid_lat, mid_lng = (lat0 + lat1) / 2, (lng0 + lng1) / 2
        # the centre first: outer tiles move outwards, not the crowded middle
        for k, lat, lng in sorted(located, key=lambda r: (r[1] - mid_lat) ** 2 + (r[2] - mid_lng) ** 2):
            tx = (lng - lng0) / (lng1 - lng0 or 1) * (n - 1)
            ty = (lat1 - lat) / (lat1 - lat0 or 1) * (n - 1)
            best = min(((c, r) for c in range(n + 2) for r in range(n + 2) if (c, r) not in taken),
                       key=lambda cr: ((cr[0] - tx) ** 2 + (cr[1] - ty) ** 2, cr))
            cells[k] = best
            taken.add(best)
    row = max((r for _c, r in taken), default=-1) + 1
    for i, (k, _lat, _lng) in enumerate(r for r in items if r[0] not in cells):
        cells[k] = (i % n, row + i // n)  # no coordinates: a row below the map
    return cells


def tile_map(rows, *, column: int, points: dict[int, list[str]]) -> dict:
    """The SVG geometry for breakdown `rows` (dashboard.selectors.Row) shaded by `rows[i].values[column]`;
    `points` maps a row key to the names of the stations drawn in its tile."""
    cells = layout([(r.key, r.lat, r.lng) for r in rows])
    top = max((r.values[column] for r in rows), default=0)
    tiles = []
    for r in rows:
        c, y = cells[r.key]
        value = r.values[column]
        shade = 0 if not top or not value else min(4, 1 + int(3 * value / top))
        x0, y0 = c * (CELL + GAP), y * (CELL + GAP)
        names = points.get(r.key, [])
        per_row = max(1, math.ceil(math.sqrt(len(names))))
        step = (CELL - 16) / per_row
        dots = [(x0 + 8 + step * (i % per_row) + step / 2, y0 + 8 + step * (i // per_row) + step / 2, name)
                for i, name in enumerate(names[:36])]
        tiles.append(Tile(r.key, r.name, value, x0, y0, SHADES[shade], "#ffffff" if shade >= 3 else "#212529", dots))
    width = (max((c for c, _r in cells.values()), default=0) + 1) * (CELL + GAP)
    height = (max((r for _c, r in cells.values()), default=0) + 1) * (CELL + GAP)
    legend = list(zip(SHADES, ["0", _("低于最大值的⅓"), _("⅓至⅔"), _("⅔以上"), _("最大值 %(top)s") % {"top": top}], strict=True)) if top else []
    return {"tiles": tiles, "width": width, "height": height, "legend": legend, "top": top}
