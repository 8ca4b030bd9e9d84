"""The data migration of the free-text 证书 into certificate rows (and of training's certificates), run for real:
the database goes back to before it, old-shaped rows go in, and it migrates forward again."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jobseekers.certificates import rows_from_text, split_text
from jobseekers.models import Certificate
from training.models import Referral

pytestmark = pytest.mark.django_db

BEFORE = [("jobseekers", "0007_importjob_kind_postings"), ("training", "0002_program_search_text_public_index")]
LONG = "上海市职业技能等级认定（没有分隔符的一长段说明文字）" * 12  # > 200 characters, one piece
TEXTS = {
    "a": "电工证（四级/中级工）、叉车证",
    "b": "养老护理员 高级技师；普通话二级甲等\n机动车驾驶证, 电工电器工程技术人员证书",
    "c": " 中式烹调师五级 ,,\r\n ;；",
    "d": LONG,
    "e": "",
}


def pieces(text: str) -> list[str]:
    """What a person reads as the separate certificates: between 、 , ， ; ； and line breaks."""
    return [p.strip() for p in re.split(r"[、,，;；\r\n]", text) if p.strip()]


def _old_archive(apps, station_id: int, key: str, text: str):
    Archive = apps.get_model("jobseekers", "JobseekerArchive")
    return Archive.objects.create(
        station_id=station_id, name=f"旧档案{key}", id_number_encrypted="x", id_number_hash=f"old-{key}",
        id_number_last4="0000", birth_date=dt.date(1980, 1, 1), sex="M", certificates=text,
        consent_date=dt.date(2026, 1, 1), consent_scope="service")


def test_free_text_becomes_one_row_per_piece_without_losing_a_character(world):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    station = world["station_a"].pk
    ids = {key: _old_archive(old, station, key, text).pk for key, text in TEXTS.items()}
    # training's own certificate table, linked to a certified referral
    Occupation = old.get_model("core", "Occupation")
    electrician = Occupation.objects.get(code="6-31-01-03")
    provider = old.get_model("training", "Provider").objects.create(
        name="培训学校", credit_code="91310000000000000A", station_id=station)
    program = old.get_model("training", "Program").objects.create(
        provider=provider, station_id=station, title="电工（四级）培训", occupation=electrician, skill_level="4",
        hours=80, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 3, 1), capacity=10)
    referral = old.get_model("training", "Referral").objects.create(archive_id=ids["e"], program=program,
                                                                    status="certified")
    old.get_model("training", "Certificate").objects.create(
        archive_id=ids["e"], referral=referral, name="电工（四级/中级工）", occupation_code="6-31-01-03", level="4",
        number="3101-77", issuer="培训学校", issued_on=dt.date(2026, 3, 2))
    with connection.cursor() as cur:  # the FK checks of the rows above, before the tables are altered
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")

    MigrationExecutor(connection).migrate(leaves)

    for key, text in TEXTS.items():
        rows = list(Certificate.objects.filter(archive_id=ids[key]).exclude(number="3101-77").order_by("id"))
        names = [r.name for r in rows]
        assert names == pieces(text), key
        # joined back, the rows hold every character of the text but the separators and the spaces around them
        assert "、".join(names) == "、".join(pieces(text))
    a = list(Certificate.objects.filter(archive_id=ids["a"]).order_by("id"))
    assert [(c.occupation_code, c.level) for c in a] == [("6-31-01-03", "4"), ("", "")]  # 叉车证: kept whole
    assert Certificate.objects.get(archive_id=ids["d"]).name == LONG
    moved = Certificate.objects.get(number="3101-77")
    assert (moved.archive_id, moved.name, moved.level, moved.issuer) == (ids["e"], "电工（四级/中级工）", "4", "培训学校")
    assert Referral.objects.get(pk=referral.pk).certificate == moved


def test_the_splitting_rules_on_their_own():
    assert split_text("电工证、叉车证；焊工证\n") == ["电工证", "叉车证", "焊工证"]
    assert split_text("电工 四级/中级工") == ["电工 四级/中级工"]  # a space or "/" is inside one certificate
    index = {"电工": "6-31-01-03", "电工电器工程技术人员": "2-02-11-01"}
    assert rows_from_text("电工电器工程技术人员证书、高级技师", index) == [
        {"name": "电工电器工程技术人员证书", "level": "", "occupation_code": "2-02-11-01"},  # the longest name wins
        {"name": "高级技师", "level": "1", "occupation_code": ""},
    ]
