"""Dashboard figures of the consulting app (protocol: core/figures.py): appointments by status, each opening the
staff appointment list filtered by `status` (cancelled ones are not counted)."""

from django.utils.translation import gettext_noop

from core.figures import Figure, Trend

from .models import Appointment

LIST = "consulting:appointment_list"
PLACES = {"station": "station", "street": "station_street", "district": "station_district"}
SHOWN = {Appointment.Status.BOOKED: gettext_noop("创业咨询·已预约"), Appointment.Status.ATTENDED: gettext_noop("创业咨询·已到场"),
         Appointment.Status.NO_SHOW: gettext_noop("创业咨询·未到场")}


def _status(value):
    return lambda: Appointment.objects.filter(status=value)


FIGURES = [
    Figure(f"consulting.appointment.{value}", label, gettext_noop("创业咨询预约"), LIST,
           rows=_status(value), params={"status": value}, place_params=PLACES,
           breakdown=value == Appointment.Status.ATTENDED)
    for value, label in SHOWN.items()
]

TRENDS = [
    Trend("consulting.attended", gettext_noop("创业咨询到场"), rows=_status(Appointment.Status.ATTENDED), month_field="start"),
]
