"""Issue 12 item 16: a NUL byte in any search box is not a 500; status messages read once."""

import pytest

pytestmark = pytest.mark.django_db

SEARCHES = [
    ("staff", "/jobseekers/occupations/?q=%00"),
    ("staff", "/jobseekers/occupations/?q=%E4%BF%9D%00%E6%B4%81"),
    ("staff", "/jobseekers/?q=%00"),
    ("staff", "/jobs/postings/?q=%00"),
    ("staff", "/jobs/employers/?q=%00"),
    ("staff", "/stations/?q=%00"),
    ("staff", "/api/jobseekers/?q=%00"),
    ("staff", "/api/postings/?q=%00"),
    ("anonymous", "/jobs/search/?q=%00"),
    ("anonymous", "/api/jobs/?q=%00"),
    ("anonymous", "/stations/finder/?q=%00"),
]


@pytest.mark.parametrize(("role", "url"), SEARCHES)
def test_nul_byte_in_a_search_is_not_a_server_error(client, world, role, url):
    if role != "anonymous":
        client.force_login(world[role])
    response = client.get(url)
    assert response.status_code < 500, url


def test_occupation_search_with_nul_is_refused_with_a_message(client, world):
    client.force_login(world["staff"])
    response = client.get("/jobseekers/occupations/?q=%E4%BF%9D%00")
    assert response.status_code == 400
    assert response.json() == {"results": [], "error": "搜索词含有不允许的字符。"}


@pytest.mark.parametrize(("close", "shown"), [("posting_fill", "岗位已招满，不能再修改。"),
                                              ("posting_expire", "岗位已过期，不能再修改。")])
def test_closed_posting_edit_says_its_status_once(client, world, close, shown):
    from jobs import services
    from tests.jobs.factories import make_employer, make_posting

    posting = make_posting(make_employer(world["station_a"]), actor=world["staff"])
    getattr(services, close)(actor=world["city"], posting=posting)
    client.force_login(world["staff"])
    posting.refresh_from_db()
    response = client.patch(f"/api/postings/{posting.pk}/", {"title": "新标题", "version": posting.version},
                            content_type="application/json")
    assert response.status_code == 400
    body = response.content.decode()
    assert shown in body
    assert "已已" not in body
