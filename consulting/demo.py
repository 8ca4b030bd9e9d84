"""Demo experts (one with the `expert_demo` login), weekly sessions over the next weeks, booked and free slots,
and past appointments marked attended or no-show (idempotent)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.crypto import encrypt
from core.models import Role, UserProfile
from stations.demo import DEMO_PASSWORD, ensure_demo_password

from .models import Appointment, ConsultationRecord, Expert, FollowUpAction, Session, Slot
from .services import appointment_book, phone_hash, session_create, slots_generate

EXPERTS = [  # name, fields, affiliation, station code, weekday, start hour, kind
    ("周明华", ["餐饮", "个体工商"], "徐汇区创业指导专家志愿团", "XH-XJH-01", 1, 14, Session.Kind.ONSITE),
    ("林晓", ["电商", "直播"], "上海市创业指导专家志愿团", "XH-XJH-01", 3, 9, Session.Kind.ONLINE),
    ("陈律师", ["法律", "合同"], "徐汇区法律援助中心", "XH-HN-01", 2, 14, Session.Kind.ONSITE),
    ("吴会计", ["财税", "融资"], "徐汇区创业服务中心", "XH-HN-01", 4, 10, Session.Kind.PHONE),
]
RESIDENTS = [("张阿姨", "13916000001", "想在小区门口开早餐店，要办哪些证"), ("刘先生", "13916000002", "网店注册个体户还是公司"),
             ("孙女士", "13916000003", "创业担保贷款怎么申请"), ("赵同学", "13916000004", "毕业生创业补贴条件")]


def load(*, users, stations, stdout) -> None:
    district_admin = users.get("district_demo")
    today = timezone.localdate()
    for n, (name, fields, affiliation, code, weekday, hour, kind) in enumerate(EXPERTS):
        station = stations.get(code)
        if station is None:
            continue
        expert = Expert.objects.filter(name=name).first()
        if expert is not None and expert.user is not None:
            ensure_demo_password(expert.user)
        if expert is None:
            user = None
            if n == 0:
                user, _ = get_user_model().objects.get_or_create(username="expert_demo")
                user.set_password(DEMO_PASSWORD)
                user.save()
                UserProfile.objects.update_or_create(user=user, defaults={"role": Role.EXPERT,
                                                                          "display_name": name})
            expert = Expert.objects.create(name=name, fields=fields, affiliation=affiliation,
                                           bio=f"{affiliation}专家，擅长{'、'.join(fields)}方面的创业咨询。",
                                           district=station.street.district, user=user)
        if not Session.objects.filter(expert=expert).exists():
            session_create(actor=district_admin, expert=expert, station=station, weekday=weekday,
                           start_time=dt.time(hour), end_time=dt.time(hour + 3), kind=kind,
                           valid_from=today - dt.timedelta(days=28))
    slots_generate()
    _past(today)
    _records(today)
    for expert in Expert.objects.filter(name__in=[e[0] for e in EXPERTS]):
        for i, (name, phone, topic) in enumerate(RESIDENTS[:2]):
            if Appointment.objects.filter(expert=expert, phone_hash=phone_hash(phone)).active().exists():
                continue
            slot = Slot.objects.open().filter(expert=expert, start__gt=timezone.now()).exclude(
                appointments__status="booked").order_by("start")[i * 3:i * 3 + 1].first()
            if slot is not None:
                appointment_book(actor=None, slot=slot, name=name, phone=phone, topic=topic, consent=True)
    stdout.write(f"consulting: {Expert.objects.count()} experts, {Slot.objects.count()} slots, "
                 f"{Appointment.objects.count()} appointments, {ConsultationRecord.objects.count()} records")


ADVICE = {
    "想在小区门口开早餐店，要办哪些证": (["餐饮", "证照"], "先办营业执照（个体工商户），再办食品经营许可；门店选址先问居委会和物业是否允许。",
                                "准备租房合同和健康证，到区行政服务中心办食品经营许可"),
    "网店注册个体户还是公司": (["电商", "财税"], "起步阶段以个体户为宜，税负和记账都简单；年销售额过 500 万再考虑公司。",
                         "在市场监管网站办理个体户网上登记"),
    "创业担保贷款怎么申请": (["融资"], "符合条件可申请创业担保贷款，需营业执照满 3 个月和经营计划书；到服务站预审。",
                       "写好经营计划书，带营业执照到服务站预审"),
    "毕业生创业补贴条件": (["补贴", "政策"], "毕业 2 年内的高校毕业生首次创业可申请一次性创业补贴，经营满 6 个月后申请。",
                      "经营满 6 个月后带社保缴纳记录来申请创业补贴"),
}


def _records(today: dt.date) -> None:
    """A consultation record for each past attended appointment, some with follow-ups still open."""
    attended = Appointment.objects.filter(status=Appointment.Status.ATTENDED, record__isnull=True,
                                          expert__name__in=[e[0] for e in EXPERTS]).order_by("start")
    for n, appointment in enumerate(attended):
        topics, advice, action = ADVICE.get(appointment.topic, (["创业"], "梳理了创业想法和起步步骤。", "两周内回访"))
        record = ConsultationRecord.objects.create(appointment=appointment, expert_id=appointment.expert_id,
                                                   station_id=appointment.station_id, topics=topics, advice=advice)
        FollowUpAction.objects.create(record=record, description=action, due_date=today + dt.timedelta(days=7 + n),
                                      done_at=timezone.now() if n % 3 == 0 else None)


def _past(today: dt.date) -> None:
    """Last weeks' slots (generation makes future ones only) with attended and no-show appointments."""
    if Appointment.objects.filter(start__lt=timezone.now()).exists():
        return
    tz = timezone.get_current_timezone()
    for session in Session.objects.active().filter(expert__name__in=[e[0] for e in EXPERTS]):
        for week in (1, 2, 3):
            day = today - dt.timedelta(days=7 * week)
            day += dt.timedelta(days=(session.weekday - day.weekday()) % 7)
            if day >= today:
                day -= dt.timedelta(days=7)
            start = dt.datetime.combine(day, session.start_time, tzinfo=tz)
            slot, _ = Slot.objects.get_or_create(session=session, start=start, defaults={
                "expert_id": session.expert_id, "station_id": session.station_id,
                "end": start + dt.timedelta(minutes=session.slot_minutes)})
            name, phone, topic = RESIDENTS[(week + session.weekday) % len(RESIDENTS)]
            status = Appointment.Status.NO_SHOW if week == 2 else Appointment.Status.ATTENDED
            Appointment.objects.get_or_create(slot=slot, defaults={
                "expert_id": slot.expert_id, "station_id": slot.station_id, "start": slot.start, "end": slot.end,
                "name": name, "phone_encrypted": encrypt(phone), "phone_hash": phone_hash(phone), "topic": topic,
                "consent": True, "status": status, "cancel_nonce": uuid.uuid4()})
