import pytest
from django.urls import reverse

from jobs.models import Employer, JobPosting
from tests.jobs.factories import credit_code, make_employer, make_posting
from tests.matrix import ANY_INTERNAL, OWNED_BY_A, PUBLIC, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    return {"employer": employer, "posting": make_posting(employer, actor=world["staff"], title="仓库管理员"),
            "draft": make_posting(employer, actor=world["staff"], publish=False, title="仓库草稿")}


def test_api_matrix(client, world, owned):
    e, p = owned["employer"], owned["posting"]
    assert_matrix(client, world, "/api/jobs/", PUBLIC, api=True)
    assert_matrix(client, world, f"/api/jobs/{p.pk}/", PUBLIC, api=True)
    for url in ["/api/employers/", "/api/postings/", "/api/job-leads/"]:
        assert_matrix(client, world, url, ANY_INTERNAL, api=True)
    assert_matrix(client, world, f"/api/employers/{e.pk}/", OWNED_BY_A, api=True)
    assert_matrix(client, world, f"/api/postings/{p.pk}/", OWNED_BY_A, api=True)


def test_public_api_search_published_only(client, owned, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):  # constant: 2 keyset passes × (keys, rows), count, stats
        data = client.get("/api/jobs/", {"q": "仓库管"}).json()
    assert [r["id"] for r in data["results"]] == [owned["posting"].pk]
    assert client.get(f"/api/jobs/{owned['draft'].pk}/").status_code == 404
    assert client.post("/api/jobs/", {}).status_code in (403, 405)
    response = client.get("/api/jobs/", {"lat": "x"})
    assert response.status_code == 400


def test_public_api_cursor_paging(client, world):
    employer = make_employer(world["station_a"])
    made = {make_posting(employer, title=f"快递员{i}").pk for i in range(25)}
    seen, url = [], "/api/jobs/?q=快递"
    while url:
        data = client.get(url).json()
        seen += [r["id"] for r in data["results"]]
        url = data["next"]
    assert sorted(seen) == sorted(made)


def test_staff_api_create_publish_scoped(client, world, owned):
    client.force_login(world["staff"])
    response = client.post("/api/employers/", {"station": world["station_c"].pk, "name": "X有限公司", "kind": "enterprise",
                                               "credit_code": credit_code()}, content_type="application/json")
    assert response.status_code == 403 and not Employer.objects.filter(name="X有限公司").exists()
    response = client.post("/api/employers/", {"station": world["station_a"].pk, "name": "X有限公司",
                                               "kind": "enterprise", "credit_code": "123"},
                           content_type="application/json")
    assert response.status_code == 400 and "credit_code" in response.json()["errors"]
    other = make_employer(world["station_b"])
    response = client.post("/api/postings/", {"employer": other.pk, "title": "保安员"}, content_type="application/json")
    assert response.status_code == 403 and "本站点" in response.json()["detail"]
    response = client.post("/api/postings/", {"employer": owned["employer"].pk, "title": "保安员", "salary_min": 6000,
                                              "salary_max": 5000}, content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/postings/", {"employer": owned["employer"].pk, "title": "保安员", "salary_min": 5000,
                                              "salary_max": 6000}, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert client.post(f"/api/postings/{pk}/publish/").status_code == 400  # the author is not its reviewer
    client.force_login(world["district"])
    assert client.post(f"/api/postings/{pk}/publish/").json()["status"] == "published"
    assert client.post(f"/api/postings/{pk}/publish/").status_code == 400
    client.force_login(world["staff_far"])
    assert client.post(f"/api/postings/{pk}/withdraw/").status_code == 404
    assert JobPosting.objects.get(pk=pk).status == "published"


def test_schema_builds(client, world):
    client.force_login(world["city"])
    assert client.get(reverse("schema")).status_code == 200
