"""What the public search page shows besides the selector's rows: its select options, rendered once.

Profiled (cProfile over the page, bench/RESULTS.md): about four fifths of the page's time went to the
filter form's option lists, rendered by template loops on every request (235 streets twice, with a
per-option `stringformat` filter and two `if`s; 90 occupation groups; 16 districts; three choice widgets
through the form renderer's templates), and a little more to per-row `{% url %}` and `{% translate %}`.
The options depend only on reference data and the language, so each select's options are rendered
once per process and language (kept `OPTIONS_SECONDS`, as long as `search_choices` keeps reference data;
a process-local dict, so a Redis outage costs nothing here) and a request only marks its chosen value.
Each result card is built here too, after the selector, with format_html (the selector's rows are shared
with the API and cached without a language, so language-dependent text stays out of them).
"""

from __future__ import annotations

import time

from django.db import connection
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from core.choices import HoursType, KeyGroup

from .filtersets import SORT_CHOICES, search_choices

OPTIONS_SECONDS = 600
SELECTS = ("district", "street", "near_street", "occupation", "hours_type", "friendly_to", "sort")
_memo: dict[tuple, tuple[float, dict]] = {}


def _options(pairs, empty: str) -> str:
    return format_html('<option value="">{}</option>', empty) + format_html_join(
        "", '<option value="{}">{}</option>', ((str(v), label) for v, label in pairs))


def _streets(streets, district: str) -> str:
    """The street options; with a district chosen, the other districts' streets are hidden and disabled."""
    rows = ((str(pk), str(d), mark_safe(" hidden disabled") if district and str(d) != district else "", label)
            for pk, label, d in streets)
    return format_html('<option value="">{}</option>', gettext("不限")) + format_html_join(
        "", '<option value="{}" data-district="{}"{}>{}</option>', rows)


def _fragments() -> dict:
    key = (connection.settings_dict["NAME"], get_language())
    hit = _memo.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    choices = search_choices()
    any_label = gettext("不限")
    fragments = {
        "district": _options(choices["districts"], any_label),
        "near_street": _options(((pk, label) for pk, label, _ in choices["streets"]), gettext("请选择")),
        "occupation": _options(choices["occupations"], any_label),
        "hours_type": _options(((v, gettext(label)) for v, label in HoursType.choices), any_label),
        "friendly_to": _options(((v, gettext(label)) for v, label in KeyGroup.choices), any_label),
        "sort": _options(((v, str(label)) for v, label in SORT_CHOICES), pgettext("search order", "默认")),
        "streets": choices["streets"],
        "street_by_district": {},  # filled on demand: one variant per chosen district
    }
    _memo[key] = (time.monotonic() + OPTIONS_SECONDS, fragments)
    return fragments


def _select(html: str, value) -> SafeString:
    value = "" if value is None else str(value)
    if value:
        mark = f'<option value="{escape(value)}"'
        html = html.replace(mark, mark + " selected", 1)
    return mark_safe(html)  # noqa: S308 - built from escaped parts above


def search_options(data) -> dict[str, SafeString]:
    """Each filter select's options, with the value in `data` (the query parameters) selected."""
    fragments = _fragments()
    district = str(data.get("district") or "")
    by_district = fragments["street_by_district"]
    if district not in by_district:
        known = {str(d) for _, _, d in fragments["streets"]}
        if district not in known:  # not a district: every street offered, as with none chosen
            district = ""
        if district not in by_district:
            by_district[district] = _streets(fragments["streets"], district)
    streets = by_district[district]
    options = {name: _select(fragments[name], data.get(name)) for name in SELECTS if name != "street"}
    options["street"] = _select(streets, data.get("street"))
    return options


# One result card. Rendered here rather than by a template loop: the loop's dozen variable and tag nodes per
# row were the largest part of the page's rendering left once the options were done (bench/RESULTS.md).
ROW_HTML = (
    '<a href="{url}" class="list-group-item list-group-item-action" data-testid="result">\n'
    '  <div class="d-flex justify-content-between">\n'
    '    <strong class="me-2">{title}</strong>\n'
    '    <span class="text-danger text-nowrap">{pay}</span>\n'
    '  </div>\n'
    '  <div class="small text-muted">{employer} · {place} · {hours}</div>\n'
    '  <div class="small">{summary}…</div>\n'
    '  <div class="small mt-1">{badges}</div>\n'
    '</a>\n')
WALK_HTML = '<span class="badge text-bg-success" data-testid="walk-minutes">{}</span>'
BADGE_HTML = '<span class="badge {}">{}</span>'


def display_rows(rows: list[dict]) -> list[SafeString]:
    """Each row's result card in the active language: link, pay, place, hours, badges (all text escaped)."""
    negotiable, public_service = gettext("面议"), gettext("公益性岗位")
    out = []
    for row in rows:
        low, high = row["salary_min"], row["salary_max"]
        if low:
            pay = f"{low}–{high} " if high and high != low else f"{low} "
            pay += gettext(row["unit_label"]) if row["unit_label"] else ""
        else:
            pay = negotiable
        badges = []
        if row.get("walk_minutes"):
            badges.append(format_html(WALK_HTML, gettext("步行约 %(m)s 分钟") % {"m": row["walk_minutes"]}))
        if row["is_public_service"]:
            badges.append(format_html(BADGE_HTML, "text-bg-info", public_service))
        badges += [format_html(BADGE_HTML, "text-bg-light border", gettext("欢迎%(g)s") % {"g": gettext(label)})
                   for label in row["friendly_labels"]]
        out.append(format_html(
            ROW_HTML, url=reverse("jobs:job_detail", args=[row["id"]]), title=row["title"], pay=pay,
            employer=row["employer__name"],
            place=" ".join(part for part in (row["district__name"], row["street__name"]) if part),
            hours=gettext(row["hours_label"]) if row["hours_label"] else "", summary=row["summary"],
            badges=mark_safe(" ".join(badges))))  # noqa: S308 - each badge built by format_html
    return out
