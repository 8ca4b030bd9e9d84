"""专家管理: district admins add and edit their district's experts (city admins: any); the photo is checked by
its bytes; bad input is refused with a message and nothing changes; every save is audited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consulting.models import Expert
from core.models import AuditEvent
from tests.consulting.conftest import make_expert
from tests.factories import district
from tests.matrix import ADMINS_ONLY, assert_matrix

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _data(**over):
    return {"name": "孙会计", "fields_text": "财税，融资、 财税", "affiliation": "某会计师事务所", "bio": "二十年经验",
            "district": district("310104").pk, "is_active": "on"} | over


def test_pages_follow_the_permission_matrix(client, world):
    expert = make_expert()  # of 徐汇区, the district of stations A and B
    assert_matrix(client, world, "/consulting/staff/experts/", ADMINS_ONLY)
    assert_matrix(client, world, "/consulting/staff/experts/new/", ADMINS_ONLY)
    assert_matrix(client, world, f"/consulting/staff/experts/{expert.pk}/",
                  {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403, "district": 200,
                   "district_other": 404, "city": 200})


def test_a_district_admin_adds_an_expert_with_a_photo_and_residents_can_find_them(client, world):
    client.force_login(world["district"])
    photo = SimpleUploadedFile("me.txt", PNG)  # the name does not matter, the bytes do
    response = client.post("/consulting/staff/experts/new/", _data(photo=photo), follow=True)
    assert "专家信息已保存" in response.content.decode()
    expert = Expert.objects.get()
    assert expert.fields == ["财税", "融资"] and expert.district.code == "310104"
    assert expert.photo_content_type == "image/png"
    assert AuditEvent.objects.filter(action="consulting.expert_save", object_id=str(expert.pk)).count() == 1
    assert "孙会计" in client.get("/consulting/staff/experts/").content.decode()
    client.logout()
    assert "孙会计" in client.get("/consulting/", {"field": "融资"}).content.decode()
    assert client.get(f"/consulting/experts/{expert.pk}/photo/")["Content-Type"] == "image/png"


def test_editing_records_the_changes_and_deactivating_hides_the_expert_from_residents(client, world):
    expert = make_expert()
    client.force_login(world["district"])
    page = client.get(f"/consulting/staff/experts/{expert.pk}/").content.decode()
    assert "王创业" in page and "餐饮、财税" in page
    client.post(f"/consulting/staff/experts/{expert.pk}/", _data(name="王创业", is_active=""))
    expert.refresh_from_db()
    assert not expert.is_active
    event = AuditEvent.objects.get(action="consulting.expert_save")
    assert event.changes["is_active"] == ["True", "False"]
    client.logout()
    assert "王创业" not in client.get("/consulting/").content.decode()


@pytest.mark.parametrize(("over", "message"), [
    ({"name": ""}, "该字段是必填项"),
    ({"fields_text": "一二三四五六七八九十一二三四五六七"}, "每个领域不超过 16 个字"),
    ({"photo": SimpleUploadedFile("a.png", b"GIF89a not a png")}, "照片只能是 JPEG 或 PNG"),
    ({"photo": SimpleUploadedFile("a.png", PNG + b"\0" * (1024 * 1024))}, "照片不能超过 1 MB"),
    ({"district": "999999"}, "选择一个有效的选项"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, world, over, message):
    client.force_login(world["district"])
    response = client.post("/consulting/staff/experts/new/", _data(**over))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Expert.objects.exists() and not AuditEvent.objects.filter(action="consulting.expert_save").exists()


def test_a_district_admin_cannot_put_an_expert_in_another_district(client, world):
    client.force_login(world["district"])
    response = client.post("/consulting/staff/experts/new/", _data(district=district("310115").pk))
    assert response.status_code == 400 and not Expert.objects.exists()
    client.force_login(world["city"])
    client.post("/consulting/staff/experts/new/", _data(district=district("310115").pk))
    assert Expert.objects.get().district.code == "310115"


def test_the_api_adds_and_edits_experts_for_admins_only_audited(client, world):
    body = {"name": "钱律师", "fields": ["法律"], "bio": "", "affiliation": "律所", "district": district("310104").pk,
            "is_active": True}
    client.force_login(world["staff"])
    assert client.post("/api/consulting/experts/", body, content_type="application/json").status_code == 403
    client.force_login(world["district_other"])
    response = client.post("/api/consulting/experts/", body, content_type="application/json")
    assert response.status_code == 403 and not Expert.objects.exists()
    client.force_login(world["district"])
    response = client.post("/api/consulting/experts/", body | {"fields": ["一二三四五六七八九十一二三四五六七"]},
                           content_type="application/json")
    assert response.status_code == 400 and not Expert.objects.exists()
    response = client.post("/api/consulting/experts/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(f"/api/consulting/experts/{pk}/", {"is_active": False}, content_type="application/json")
    assert response.status_code == 200 and Expert.objects.get().is_active is False
    client.force_login(world["district_other"])
    assert client.patch(f"/api/consulting/experts/{pk}/", {"name": "x"},
                        content_type="application/json").status_code == 404
    assert client.delete(f"/api/consulting/experts/{pk}/").status_code == 405
    assert AuditEvent.objects.filter(action="consulting.expert_save").count() == 2
