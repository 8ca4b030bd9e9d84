"""Certificates on the archive: the page's add/edit/remove, the API, the Excel import, scope and audit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Occupation
from jobseekers import events, services
from jobseekers.models import Certificate
from tests.matrix import OWNED_BY_A, assert_matrix

from .test_import import row, upload, xlsx

pytestmark = pytest.mark.django_db

ELECTRICIAN = "6-31-01-03"
POSTED_BAD = {"anonymous": "login", "staff": 400, "staff_other": 404, "staff_far": 404,
              "district": 400, "district_other": 404, "city": 400}
NOT_YOURS = {"anonymous": "login", "staff_other": 404, "staff_far": 404, "district_other": 404}


@pytest.fixture
def cert_a(archive_a, world):
    return services.certificate_create(actor=world["staff"], archive=archive_a, name="电工证", level="4",
                                       occupation_code=ELECTRICIAN, number="E-1")


def test_certificate_pages_matrix(client, world, archive_a, cert_a):
    assert_matrix(client, world, reverse("jobseekers:certificate_create", args=[archive_a.pk]), OWNED_BY_A)
    assert_matrix(client, world, reverse("jobseekers:certificate_update", args=[archive_a.pk, cert_a.pk]), OWNED_BY_A)
    # posted with nothing filled in: refused (400) for those who may write, 404 for the others
    assert_matrix(client, world, reverse("jobseekers:certificate_create", args=[archive_a.pk]), POSTED_BAD,
                  method="post")
    assert_matrix(client, world, reverse("jobseekers:certificate_update", args=[archive_a.pk, cert_a.pk]), POSTED_BAD,
                  method="post")
    assert_matrix(client, world, reverse("jobseekers:certificate_delete", args=[archive_a.pk, cert_a.pk]), NOT_YOURS,
                  method="post")
    assert Certificate.objects.filter(pk=cert_a.pk).exists()


def test_a_certificate_of_another_archive_is_not_found_under_this_one(client, world, archive_a, cert_a):
    from .factories import make_archive

    other = make_archive(world["station_a"], name="另一位")
    client.force_login(world["staff"])
    assert client.get(reverse("jobseekers:certificate_update", args=[other.pk, cert_a.pk])).status_code == 404
    assert client.post(reverse("jobseekers:certificate_delete", args=[other.pk, cert_a.pk])).status_code == 404
    assert Certificate.objects.filter(pk=cert_a.pk).exists()


def test_staff_add_edit_and_remove_a_certificate_on_the_archive_page(client, world, archive_a):
    client.force_login(world["staff"])
    electrician = Occupation.objects.get(code=ELECTRICIAN)
    response = client.post(reverse("jobseekers:certificate_create", args=[archive_a.pk]), {
        "name": "电工证", "occupation": electrician.pk, "level": "4", "number": "3101-2026-1", "issuer": "鉴定中心",
        "issued_on": "2025-06-01"})
    assert response.status_code == 302 and response["Location"] == archive_a.get_absolute_url()
    cert = archive_a.certificates.get()
    assert (cert.name, cert.occupation_code, cert.level, cert.number, cert.issued_on) == (
        "电工证", ELECTRICIAN, "4", "3101-2026-1", dt.date(2025, 6, 1))
    page = client.get(archive_a.get_absolute_url()).content.decode()
    assert "电工证" in page and "四级/中级工" in page and "3101-2026-1" in page and f"{ELECTRICIAN} 电工" in page

    edit = reverse("jobseekers:certificate_update", args=[archive_a.pk, cert.pk])
    assert f'value="{electrician.pk}"' in client.get(edit).content.decode()  # the chosen occupation is shown
    client.post(edit, {"name": "电工证", "occupation": electrician.pk, "level": "3", "number": "3101-2026-1"})
    cert.refresh_from_db()
    assert cert.level == "3" and cert.issued_on is None

    client.post(reverse("jobseekers:certificate_delete", args=[archive_a.pk, cert.pk]))
    assert not archive_a.certificates.exists()
    assert "暂无证书" in client.get(archive_a.get_absolute_url()).content.decode()
    actions = list(AuditEvent.objects.filter(object_id=str(archive_a.pk), action__startswith="jobseeker.certificate")
                   .order_by("id").values_list("action", flat=True))
    assert actions == [events.JOBSEEKER_CERTIFICATE_ADD, events.JOBSEEKER_CERTIFICATE_UPDATE,
                       events.JOBSEEKER_CERTIFICATE_REMOVE]


@pytest.mark.parametrize(("data", "text"), [
    ({"name": "  "}, "请填写证书名称。"),
    ({"name": "电工证", "issued_on": "2999-01-01"}, "发证日期不能晚于今天。"),
    ({"name": "电工证", "occupation": "999999"}, "请从搜索结果中选择职业。"),
    ({"name": "电工证", "level": "9"}, "9"),
    ({"name": "证" * 201}, "200"),
])
def test_bad_certificate_input_is_refused_and_nothing_saved(client, world, archive_a, data, text):
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:certificate_create", args=[archive_a.pk]), data)
    assert response.status_code == 400 and text in response.content.decode()
    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(action=events.JOBSEEKER_CERTIFICATE_ADD).exists()


def test_a_bad_edit_changes_nothing(client, world, archive_a, cert_a):
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:certificate_update", args=[archive_a.pk, cert_a.pk]),
                           {"name": "电工证", "issued_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "发证日期不能晚于今天。" in response.content.decode()
    cert_a.refresh_from_db()
    assert (cert_a.level, cert_a.occupation_code, cert_a.issued_on) == ("4", ELECTRICIAN, None)


def test_the_archive_api_exposes_certificates_and_writes_them_through_the_service(client, world, archive_a, cert_a):
    url = f"/api/jobseekers/{archive_a.pk}/"
    assert_matrix(client, world, url + "certificates/", OWNED_BY_A, api=True)
    client.force_login(world["staff"])
    body = client.get(url).json()
    assert body["certificates"] == [{"id": cert_a.pk, "name": "电工证", "occupation_code": ELECTRICIAN, "level": "4",
                                     "number": "E-1", "issuer": "", "issued_on": None,
                                     "created_at": body["certificates"][0]["created_at"]}]
    created = client.post(url + "certificates/", {"name": "叉车证", "issued_on": "2024-03-01"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["name"] == "叉车证"
    for bad, text in (({"name": "焊工证", "occupation_code": "9-99-99-99"}, "细类代码"),
                      ({"name": ""}, "name"), ({"name": "焊工证", "level": "top"}, "level")):
        response = client.post(url + "certificates/", bad, content_type="application/json")
        assert response.status_code == 400 and text in str(response.json()), bad
    assert archive_a.certificates.count() == 2
    one = f"{url}certificates/{cert_a.pk}/"
    patched = client.patch(one, {"level": "3"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["level"] == "3"
    assert client.patch(one, {"occupation_code": "1"}, content_type="application/json").status_code == 400
    cert_a.refresh_from_db()
    assert (cert_a.level, cert_a.occupation_code) == ("3", ELECTRICIAN)
    client.force_login(world["staff_other"])
    assert client.delete(one).status_code == 404
    client.force_login(world["staff"])
    assert client.delete(one).status_code == 204 and archive_a.certificates.count() == 1


def test_the_archive_list_api_reads_certificates_without_a_query_per_archive(client, world, archive_a, cert_a,
                                                                             django_assert_max_num_queries):
    from .factories import make_archive

    for i in range(4):
        services.certificate_create(actor=None, archive=make_archive(world["station_a"]), name=f"证书{i}")
    client.force_login(world["staff"])
    with django_assert_max_num_queries(9):
        results = client.get("/api/jobseekers/").json()["results"]
    assert sorted(c["name"] for r in results for c in r["certificates"]) == ["电工证", "证书0", "证书1", "证书2", "证书3"]


def test_the_import_maps_its_certificates_column_to_rows(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, xlsx([row("甲", **{"证书": "电工证（四级）、叉车证；\n普通话证书"}), row("乙")]))
    from jobseekers.models import JobseekerArchive

    jia = JobseekerArchive.objects.get(name="甲")
    assert [(c.name, c.occupation_code, c.level) for c in jia.certificates.order_by("id")] == [
        ("电工证（四级）", ELECTRICIAN, "4"), ("叉车证", "", ""), ("普通话证书", "", "")]
    assert not JobseekerArchive.objects.get(name="乙").certificates.exists()


def test_an_english_reader_adds_a_certificate_and_the_audit_stays_chinese(client, world, archive_a):
    client.force_login(world["staff"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(reverse("jobseekers:certificate_create", args=[archive_a.pk]), {"name": "电工证", "level": "4"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=events.JOBSEEKER_CERTIFICATE_ADD)
    assert event.summary == "添加证书：电工证（四级/中级工）"
    page = client.get(archive_a.get_absolute_url()).content.decode()
    assert "Add certificate" in page and "Level 4 / intermediate" in page


def test_the_archive_api_refuses_certificates_sent_as_text_and_saves_nothing(client, world, archive_a):
    client.force_login(world["staff"])
    response = client.patch(f"/api/jobseekers/{archive_a.pk}/", {"version": archive_a.version, "name": "新名字",
                                                                  "certificates": "电工证、叉车证"},
                            content_type="application/json")
    assert response.status_code == 400 and "/certificates/" in str(response.json())
    archive_a.refresh_from_db()
    assert archive_a.name == "张阿姨" and not archive_a.certificates.exists()
