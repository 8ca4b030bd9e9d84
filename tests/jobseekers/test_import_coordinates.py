"""The archive import's optional coordinate columns (纬度, 经度; WGS-84): written to the archive when both are
given and inside Shanghai; a bad pair refuses its row with a clear reason and imports nothing of it."""

import io

import pytest
from openpyxl import load_workbook

from jobseekers.imports import HEADERS, template_workbook
from jobseekers.models import ImportJob, JobseekerArchive

from .test_import import row, upload, xlsx

pytestmark = pytest.mark.django_db


def test_the_template_offers_the_coordinate_columns_and_says_they_are_wgs84():
    buffer = io.BytesIO()
    template_workbook().save(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    header = [c.value for c in book.worksheets[0][1]]
    assert "纬度" in header and "经度" in header and header.index("经度") == header.index("纬度") + 1
    notes = " ".join(str(c.value) for sheet in book.worksheets[1:] for r in sheet.iter_rows() for c in r if c.value)
    assert "WGS-84" in notes


def test_coordinates_are_written_to_the_archive_and_bad_ones_refused(client, world, django_capture_on_commit_callbacks):
    rows = [
        row("甲", **{"纬度": 31.1935, "经度": 121.437}),
        row("乙", **{"纬度": "31.2304", "经度": "121.4737"}),  # typed as text
        row("丙"),  # none: still optional
        row("丁", **{"纬度": 39.9042, "经度": 116.4074}),  # Beijing
        row("戊", **{"纬度": 121.437, "经度": 31.1935}),  # swapped
        row("己", **{"纬度": 31.19}),  # one without the other
        row("庚", **{"纬度": "31°11′", "经度": "121°26′"}),  # degrees and minutes
    ]
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, xlsx(rows))
    job = ImportJob.objects.get()
    assert (job.status, job.imported_rows, job.failed_rows) == (ImportJob.Status.DONE, 3, 4)
    points = dict((n, (la, ln)) for n, la, ln in JobseekerArchive.objects.values_list("name", "lat", "lng"))
    assert points == {"甲": (31.1935, 121.437), "乙": (31.2304, 121.4737), "丙": (None, None)}
    reasons = {e["row"]: e["reason"] for e in job.errors}
    assert "不在上海市范围内" in reasons[5] and "填反" in reasons[6]
    assert "同时填写" in reasons[7]
    assert "不是十进制度数" in reasons[8] and "31°11′" in reasons[8]


def test_a_sheet_without_the_coordinate_columns_still_imports(client, world, django_capture_on_commit_callbacks):
    old = [h for h in HEADERS if h not in {"纬度", "经度"}]
    values = dict(zip(HEADERS, row("甲"), strict=True))
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, xlsx([[values[h] for h in old]], headers=old))
    assert JobseekerArchive.objects.get(name="甲").lat is None
