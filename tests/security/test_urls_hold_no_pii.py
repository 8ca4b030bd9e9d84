"""Issue 12 item 8: no URL the portal builds holds a full ID number or phone.

A real HTTP server (Django's own, which writes an access line per request to the `django.server`
logger) serves a staff member who creates an archive, searches it by full ID number on the page and
through the API, opens the export link and reveals the archive; then the server log is grepped."""

from __future__ import annotations

import re
import threading
import urllib.parse
import urllib.request

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application
from django.db import connections
from django.test import Client

from jobseekers.models import JobseekerArchive
from tests.jobseekers.factories import archive_post_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server():
    httpd = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    httpd.set_app(get_internal_wsgi_application())

    def serve():
        httpd.serve_forever()
        connections.close_all()  # this thread's connection, or the test database cannot be dropped

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join(5)
    httpd.server_close()


class Browser:
    """Cookies, CSRF and redirects like a browser; every response body kept for grepping too."""

    def __init__(self, base: str, session_key: str):
        self.base, self.cookies = base, {"sessionid": session_key}
        self.bodies: list[str] = []

    def open(self, path: str, data: dict | None = None, *, json_body: str | None = None) -> tuple[int, str, str]:
        csrf = self.cookies.get("csrftoken", "")
        headers = {"Referer": self.base + "/", "X-CSRFToken": csrf,
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        payload = None
        if data is not None:
            payload = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        if json_body is not None:
            payload, headers["Content-Type"] = json_body.encode(), "application/json"
        request = urllib.request.Request(self.base + path, data=payload, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                body = response.read().decode("utf-8", "replace")
                status, url = response.status, response.url
        except urllib.error.HTTPError as exc:
            body, status, url = exc.read().decode("utf-8", "replace"), exc.code, exc.url
        self.bodies.append(body)
        return status, url, body


class _KeepCookies(urllib.request.BaseHandler):
    """Set-Cookie of every response (redirects included) into the Browser's cookies."""

    def __init__(self, browser):
        self.browser = browser

    def http_response(self, request, response):
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.browser.cookies[name.strip()] = rest.split(";", 1)[0]
        return response


def _forms(value: str) -> list[str]:
    """The value as it could appear in a URL: raw, percent-encoded, lower-case."""
    return [value, urllib.parse.quote(value), value.lower()]


def test_searches_exports_and_reveals_leave_no_full_id_or_phone_in_the_server_log(server, world, caplog):
    client = Client()
    client.force_login(world["district"])
    browser = Browser(server, client.cookies["sessionid"].value)
    urllib.request.install_opener(urllib.request.build_opener(_KeepCookies(browser)))
    data = archive_post_data(world["station_a"], phone="13987654321")
    id_number, phone = data["id_number"], data["phone"]
    caplog.set_level("DEBUG")

    browser.open("/jobseekers/new/")  # sets the CSRF cookie
    status, url, _ = browser.open("/jobseekers/new/", data)
    archive = JobseekerArchive.objects.get()
    assert url.endswith(archive.get_absolute_url())
    status, url, body = browser.open("/jobseekers/", {"q": id_number})
    assert status == 200 and "idh=" in url and archive.id_number_masked in body and id_number not in body
    export_links = re.findall(r'href="(/jobseekers/export/[^"]*)"', body)
    assert export_links
    for link in export_links:
        assert browser.open(link.replace("&amp;", "&"))[0] == 200
    status, url, body = browser.open("/jobseekers/", {"q": id_number.lower(), "status": "unemployed"})
    assert archive.name in body
    status, _, body = browser.open("/api/jobseekers/search/", json_body=f'{{"q": "{id_number}"}}')
    assert status == 200 and f'"id":{archive.pk}' in body.replace(" ", "")
    assert browser.open(f"/jobseekers/{archive.pk}/reveal/", {})[0] == 200

    access = [r.getMessage() for r in caplog.records if r.name == "django.server"]
    assert any("idh=" in line for line in access), access
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for value in (id_number, phone):
        assert not any(form in everything for form in _forms(value)), f"{value} in the server log"
    assert not any(form in body for body in browser.bodies[:-1] for form in _forms(id_number)
                   if f"={form}" in body or f"/{form}" in body)


def test_the_api_refuses_a_full_id_number_in_the_url(client, world):
    client.force_login(world["staff"])
    response = client.get("/api/jobseekers/", {"q": "310104199001011234"})
    assert response.status_code == 400
    assert "POST /api/jobseekers/search/" in response.json()["errors"]["q"][0]


def test_an_old_bookmark_with_a_full_id_number_is_redirected_to_its_hash(client, world):
    from tests.jobseekers.factories import make_archive

    archive = make_archive(world["station_a"], actor=world["staff"])
    client.force_login(world["staff"])
    response = client.get("/jobseekers/", {"q": archive.id_number, "status": "unemployed"})
    assert response.status_code == 302 and archive.id_number not in response["Location"]
    assert [a.pk for a in client.get(response["Location"]).context["object_list"]] == [archive.pk]


def test_api_search_matrix(client, world):
    from tests.matrix import ANY_INTERNAL, assert_matrix

    assert_matrix(client, world, "/api/jobseekers/search/", ANY_INTERNAL, api=True, method="post",
                  data={"q": "张"}, content_type="application/json")
