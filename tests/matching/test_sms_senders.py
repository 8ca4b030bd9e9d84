"""SMS senders: nothing shows 已发送 unless a gateway took it; the Aliyun adapter against a local fake."""

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone

from matching.models import SmsOutbox
from matching.services import sms_send_due
from tests.matching.factories import make_archive, make_posting

pytestmark = pytest.mark.django_db

SECRET = "fake-secret"


class FakeAliyun(BaseHTTPRequestHandler):
    """Checks the POP v1 signature the way the gateway does and answers like SendSms."""

    requests: list[dict] = []
    answer = {"Code": "OK", "Message": "OK", "BizId": "900^123", "RequestId": "R1"}

    def do_GET(self):
        params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        signature = params.pop("Signature")
        canonical = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(params.items()))
        to_sign = "GET&%2F&" + quote(canonical, safe="~")
        expected = base64.b64encode(hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
        FakeAliyun.requests.append(params)
        body = FakeAliyun.answer if signature == expected else {"Code": "SignatureDoesNotMatch", "Message": "bad"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAliyun)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeAliyun.requests = []
    FakeAliyun.answer = {"Code": "OK", "Message": "OK", "BizId": "900^123", "RequestId": "R1"}
    conf = {"access_key_id": "AK1", "access_key_secret": SECRET, "sign_name": "徐汇就业", "template_code": "SMS_1",
            "template_param": "content", "endpoint": f"http://127.0.0.1:{server.server_port}/",
            "region": "cn-hangzhou", "timeout": 5}
    with override_settings(SMS_SENDER="aliyun", SMS_ALIYUN=conf):
        yield FakeAliyun
    server.shutdown()
    server.server_close()


def _push(client, world, capture):
    a = world["station_a"]
    archive = make_archive(a, phone="13912345678")
    posting = make_posting(a, title="收银员")
    client.force_login(world["staff"])
    with capture(execute=True):
        client.post(f"/matching/archives/{archive.pk}/push/", {"postings": [posting.pk], "channel": "sms"})
    return SmsOutbox.objects.get()


@pytest.mark.parametrize("sender, reason", [("log", "未配置短信通道"), ("disabled", "短信通道已停用")])
def test_a_sender_that_sends_nothing_marks_the_message_unsent_and_never_retries(
        client, world, django_capture_on_commit_callbacks, sender, reason):
    with override_settings(SMS_SENDER=sender):
        msg = _push(client, world, django_capture_on_commit_callbacks)
        assert (msg.status, msg.sent_at) == ("unsent", None) and reason in msg.last_error
        assert sms_send_due(now=timezone.now() + timedelta(days=3)) == 0
    html = client.get("/matching/outbox/").content.decode()
    table = html[html.index('data-testid="outbox"'):]
    assert "<td>未发送（未配置短信通道）</td>" in table and "<td>已发送</td>" not in table


def test_aliyun_sender_signs_the_request_and_records_the_gateway_receipt(
        client, world, django_capture_on_commit_callbacks, fake_gateway):
    msg = _push(client, world, django_capture_on_commit_callbacks)
    assert (msg.status, msg.gateway_ref, msg.last_error) == ("sent", "900^123", "")
    [sent] = fake_gateway.requests
    assert (sent["Action"], sent["PhoneNumbers"], sent["SignName"], sent["TemplateCode"]) == \
        ("SendSms", "13912345678", "徐汇就业", "SMS_1")
    text = json.loads(sent["TemplateParam"])["content"]
    assert "收银员" in text and not text.startswith("【")  # the gateway adds the sign name itself


def test_aliyun_refusal_is_kept_and_retried_not_shown_as_sent(
        client, world, django_capture_on_commit_callbacks, fake_gateway):
    fake_gateway.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"}
    msg = _push(client, world, django_capture_on_commit_callbacks)
    assert msg.status == "pending" and "isv.BUSINESS_LIMIT_CONTROL" in msg.last_error
    fake_gateway.answer = {"Code": "OK", "Message": "OK", "BizId": "900^124"}
    assert sms_send_due(now=msg.next_attempt_at + timedelta(seconds=1)) == 1
    msg.refresh_from_db()
    assert (msg.status, msg.attempts, msg.gateway_ref) == ("sent", 2, "900^124")


def test_aliyun_with_a_wrong_secret_is_refused_by_the_gateway(
        client, world, django_capture_on_commit_callbacks, fake_gateway, settings):
    settings.SMS_ALIYUN = {**settings.SMS_ALIYUN, "access_key_secret": "wrong"}
    msg = _push(client, world, django_capture_on_commit_callbacks)
    assert msg.status == "pending" and "SignatureDoesNotMatch" in msg.last_error
