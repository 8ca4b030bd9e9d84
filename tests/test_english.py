"""Under English every page a role can reach reads in English: a crawler follows every link from each role's
home (and the nav on it), opens each URL pattern once, posts each page's own form empty to see its error
messages, and fails on any visible Chinese text that is not user data.

Generic on purpose: a new app's pages are linked from the nav or from pages already crawled, so they are
crawled too. "User data" is every text value stored in the database (names, addresses, station names,
occupations, stored audit summaries…), collected from every model: whatever Chinese remains once those are
removed from a text is the program's own and must be translated. The language menu names each language in
itself, so "简体中文" is its one allowed Chinese label.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import models
from django.urls import Resolver404, resolve
from django.utils import timezone

from jobseekers import services as jobseeker_services
from jobseekers.models import ImportJob
from tests.factories import make_staff
from tests.jobs.factories import make_employer, make_posting
from tests.jobseekers.factories import make_archive

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SKIP_PREFIXES = ("/admin/", "/api/", "/i18n/", "/static/", "/media/", "/accounts/logout/", "/healthz")
SKIP_SUFFIXES = (".xlsx", ".csv", ".xls", ".json", ".js", ".css", ".png", ".ico", ".svg")
VISIBLE_ATTRS = ("title", "placeholder", "aria-label", "alt")
# The language menu names each language in itself.
SELF_NAMED = {"简体中文"}
MAX_PAGES = 150


class _Page(HTMLParser):
    """The visible texts of a page (text nodes outside script/style, and the attributes people read), its links
    and its POST forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []  # (where, text)
        self.links: list[str] = []
        self.forms: list[str] = []
        self._stack: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self._stack.append(tag)
        for name in VISIBLE_ATTRS:
            if attrs.get(name):
                self.texts.append((f"<{tag} {name}>", attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(("<input value>", attrs["value"]))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if attrs.get("hx-get"):  # htmx fragments are pages too
            self.links.append(attrs["hx-get"])
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append(attrs.get("action") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append((f"<{self._stack[-1] if self._stack else '?'}>", data.strip()))


def _stores_text(field) -> bool:
    """A free-text column: a char/text/JSON field without choices, or an array of them (a policy's documents)."""
    if isinstance(field, ArrayField):
        return _stores_text(field.base_field)
    return isinstance(field, models.CharField | models.TextField | models.JSONField) and not field.choices


def _data_values() -> list[str]:
    """Every Chinese text stored in the database, longest first (so a name is removed before its parts)."""
    values: set[str] = set()

    def add(value):
        if isinstance(value, str):
            if HAN.search(value):
                values.add(value.strip())
        elif isinstance(value, dict):
            for v in value.values():
                add(v)
        elif isinstance(value, list | tuple):
            for v in value:
                add(v)

    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if _stores_text(f)]
        if fields:
            for row in model._default_manager.values_list(*fields):
                add(list(row))
    return sorted((v for v in values if v), key=len, reverse=True)


def _untranslated(text: str, data: list[str]) -> str:
    if text in SELF_NAMED:
        return ""
    for value in data:
        if value in text:
            text = text.replace(value, " ")
            if not HAN.search(text):
                return ""
    return text if HAN.search(text) else ""


def _internal(href: str, base: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc and parts.netloc not in ("testserver",):
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _pattern(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client, data: list[str], role: str) -> tuple[list[str], set[str]]:
    """(problems, view names visited) for one logged-in client."""
    problems, seen_patterns, queue = [], set(), deque(["/"])
    visited = 0

    def check(path, response, how):
        if "text/html" not in response.get("Content-Type", ""):
            return None
        page = _Page()
        page.feed(response.content.decode())
        for where, text in page.texts:
            left = _untranslated(text, data)
            if left:
                problems.append(f"{role} {how} {path} {where}: {text!r}")
        return page

    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        pattern = _pattern(path)
        if pattern is None or pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        visited += 1
        response = client.get(path)
        page = check(path, response, f"GET({response.status_code})")  # refusals (403, 404) read in English too
        if page is None or response.status_code != 200:
            continue
        for action in page.forms:
            target = _internal(action or path, path)
            if target and urlsplit(target).path == urlsplit(path).path and not pattern.startswith("set_language"):
                check(path, client.post(target, {}), "POST(empty)")
        for href in page.links:
            target = _internal(href, path)
            if target and _pattern(target) not in seen_patterns:
                queue.append(target)
    return problems, seen_patterns


@pytest.fixture
def demo_like(world, django_capture_on_commit_callbacks):
    """A few objects of each kind the pages show, so list rows link to their detail pages."""
    station = world["station_a"]
    head = make_staff("head_a", station, role="head")
    archive = make_archive(station, actor=world["staff"], name="李四", initial_status="unemployed",
                           phone="13912345678")
    jobseeker_services.visit_create(actor=world["staff"], archive=archive, visit_date=timezone.localdate(),
                                    method=archive.visits.model._meta.get_field("method").choices[0][0],
                                    findings="电话回访，仍在找保洁工作", next_follow_up=timezone.localdate()
                                    + dt.timedelta(days=7))
    employer = make_employer(station, actor=world["staff"])
    make_posting(employer, actor=world["staff"], headcount=2, occupation=archive.desired_occupations.first())
    job = ImportJob(station=station, created_by=world["staff"], file_name="名单.xlsx", status=ImportJob.Status.DONE,
                    errors=[{"row": 2, "reason": "身份证号校验位错误"}], failed_rows=1, total_rows=1, processed_rows=1)
    job.set_report(b"PK report")
    job.save()
    return {**world, "head": head}


@pytest.fixture
def english(client):
    cache.clear()  # cached public fragments of an earlier test's objects would read as untranslated text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.mark.parametrize("role", ["anonymous", "staff", "head", "district", "city"])
def test_every_page_reads_in_english(english, demo_like, role):
    if role != "anonymous":
        english.force_login(demo_like[role])
    problems, patterns = crawl(english, _data_values(), role)
    print(f"{role}: {len(patterns)} URL patterns crawled")
    assert len(patterns) > (3 if role == "anonymous" else 12), sorted(patterns)
    assert not problems, f"{len(problems)} untranslated texts:\n" + "\n".join(dict.fromkeys(problems))


def test_the_language_menu_names_each_language_in_itself(english, client):
    body = english.get("/").content.decode()
    assert ">English</option>" in body and ">简体中文</option>" in body


def _matchable(world):
    from tests.matching.factories import make_archive as matching_archive
    from tests.matching.factories import make_posting as matching_posting

    archive = matching_archive(world["station_a"], name="王五")
    posting = matching_posting(world["station_a"], title="小区保洁员")
    return archive, posting


def test_matching_explanations_render_in_english_and_pushes_store_chinese(english, world):
    from django.urls import reverse
    from django.utils import translation

    from matching import services as matching_services
    from matching.models import PushRecord

    archive, posting = _matchable(world)
    english.force_login(world["staff"])
    body = english.get(reverse("matching:archive", args=[archive.pk])).content.decode()
    assert "same occupation" in body and "同一职业" not in body
    with translation.override("en"):
        matching_services.push_create(actor=world["staff"], archive=archive, postings=[posting],
                                      channel=PushRecord.Channel.PHONE)
    push = PushRecord.objects.get(archive=archive)
    assert push.explanation.startswith("同一职业") and "same" not in push.explanation


def test_service_messages_translate_and_audit_summaries_stay_chinese(english, world):
    from django.urls import reverse

    from core.models import AuditEvent

    archive = make_archive(world["station_a"], actor=world["staff"], name="赵六")
    english.force_login(world["staff"])
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = english.post(reverse("jobseekers:status_add", args=[archive.pk]),
                            {"status": "employed", "effective_date": future, "source": "phone"})
    assert "The effective date cannot be after today." in response.content.decode()
    english.post(reverse("jobseekers:status_add", args=[archive.pk]),
                 {"status": "employed", "effective_date": timezone.localdate().isoformat(), "source": "phone"})
    event = AuditEvent.objects.filter(action="jobseeker.status_add").latest("id")
    assert event.summary.startswith("就业状态记录：已就业") and "电话" in event.summary, event.summary


def test_eligibility_traces_render_in_the_readers_language_and_store_chinese(english, world):
    from django.urls import reverse

    from assistance import rules
    from tests.assistance.factories import make_policy

    make_policy(rule={"all": [{"fact": "age", "op": ">=", "value": 40},
                              {"fact": "key_groups", "op": "has_any", "value": ["graduate"]}]}, name="自测政策")
    body = english.get(reverse("assistance:self_check"), {"age": 45}).content.decode()
    assert "Age 45 years, needs ≥ 40 years ✓" in body and "年龄" not in body
    facts = rules.Facts(ref="2026-01-01", age=45)
    result = rules.evaluate({"fact": "age", "op": ">=", "value": 40}, facts, policy_id=1)
    assert result.conditions[0]["text"] == "年龄 45 岁，需 ≥ 40 岁 ✓"  # what a stored trace keeps
