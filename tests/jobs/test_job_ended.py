"""An old link to a posting that has ended (an SMS, a shared page) explains itself and offers similar jobs."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import Occupation
from jobs.services import posting_expire, posting_fill, posting_withdraw
from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def cleaners(world):
    occupation = Occupation.objects.filter(level=4, code__startswith="4-").first()
    employer = make_employer(world["station_a"], actor=world["staff"])
    ended = make_posting(employer, actor=world["staff"], title="小区保洁员", occupation=occupation)
    alike = make_posting(employer, actor=world["staff"], title="商场保洁员", occupation=occupation)
    other = Occupation.objects.filter(level=4).exclude(code__startswith=occupation.code.rsplit("-", 1)[0]).first()
    unlike = make_posting(employer, actor=world["staff"], title="仓库叉车司机", occupation=other)
    return {"ended": ended, "alike": alike, "unlike": unlike}


@pytest.mark.parametrize("end, says", [(posting_fill, "该岗位已招满"), (posting_expire, "该岗位已过期"),
                                       (posting_withdraw, "该岗位已停止招聘")])
def test_an_ended_posting_says_why_and_lists_similar_jobs(client, world, cleaners, end, says):
    end(actor=world["staff"], posting=cleaners["ended"])
    response = client.get(reverse("jobs:job_detail", args=[cleaners["ended"].pk]))
    html = response.content.decode()
    assert response.status_code == 410
    assert says in html and "小区保洁员" in html
    similar = html.split('data-testid="similar-jobs"')[1]
    assert "商场保洁员" in similar and "仓库叉车司机" not in similar
    assert reverse("jobs:job_detail", args=[cleaners["alike"].pk]) in similar
    assert "我感兴趣" not in html


def test_interest_in_an_ended_posting_leaves_no_lead(client, world, cleaners):
    posting_fill(actor=world["staff"], posting=cleaners["ended"])
    response = client.post(reverse("jobs:job_interest", args=[cleaners["ended"].pk]),
                           {"name": "王阿姨", "phone": "13912345678", "consent": "on"})
    assert response.status_code == 410 and "该岗位已招满" in response.content.decode()
    assert not cleaners["ended"].leads.exists()


def test_a_draft_is_still_not_found(client, world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    draft = make_posting(employer, actor=world["staff"], publish=False)
    response = client.get(reverse("jobs:job_detail", args=[draft.pk]))
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_make_run_settings_show_the_portals_own_error_pages():
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR,
                            env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
