"""The report tasks on the job queue (tracker/celery.py; eager without a broker).

Registered through ``CELERY_IMPORTS`` (tracker/settings.py) rather than an app ``tasks.py``, so
this module stays with the rest of reporting. ``monthly_report`` runs every morning from the
beat schedule and does its work only on the first working day of the month.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone

from .. import roles
from .asof import month_start
from .calendar import is_first_working_day_of_month
from .models import Report
from .numbers import vn_date
from .services import report_build, report_request

logger = logging.getLogger(__name__)


@shared_task(name="reports.build")
def build_report(report_id: int) -> int:
    report_build(report=Report.objects.get(pk=report_id))
    return report_id


def admin_addresses() -> list[str]:
    User = get_user_model()
    admins = User.objects.filter(Q(is_superuser=True) | Q(groups__name=roles.ADMIN), is_active=True)
    return sorted({user.email for user in admins if user.email})


@shared_task(name="reports.monthly")
def monthly_report(today: str | None = None) -> int | None:
    """On the first working day of a month, build last month's report and mail it to the
    admins. ``today`` (ISO date) is for tests and reruns."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    if not is_first_working_day_of_month(day):
        return None
    last_day = month_start(day) - datetime.timedelta(days=1)
    monthly = Report.objects.filter(kind=Report.Kind.MONTHLY, as_of=last_day)
    if monthly.filter(state=Report.State.DONE).exists():
        return None  # already built and mailed (the beat ran twice, or a retry)
    report = report_request(
        by=None,
        as_of=last_day,
        date_from=month_start(last_day),
        kind=Report.Kind.MONTHLY,
        description=f"Báo cáo tháng {last_day:%m/%Y}",
    )
    report = report_build(report=report)
    recipients = admin_addresses()
    if recipients:
        message = EmailMessage(
            subject=f"Báo cáo tình hình xử lý kiến nghị tháng {last_day:%m/%Y}",
            body=(
                "Kính gửi Quản trị hệ thống,\n\n"
                f"Báo cáo tình hình tiếp nhận, xử lý kiến nghị tính đến ngày {vn_date(last_day)} "
                "được đính kèm (DOCX và XLSX).\n"
                f"Xem tất cả báo cáo: {settings.SITE_URL.rstrip('/')}/reports/\n"
            ),
            to=recipients,
        )
        for field in (report.docx, report.xlsx):
            with field.open("rb") as file:
                message.attach(field.name.rsplit("/", 1)[-1], file.read())
        try:
            message.send()
        except Exception:  # the report is built and listed; a mail outage must not lose it
            logger.exception("Could not mail the monthly report %s", report.pk)
    return report.pk


@shared_task(name="reports.warm_dashboard")
def warm_dashboard() -> None:
    """Compute today's dashboard summary ahead of the readers, in each language of the site,
    so no page request pays the fold over the history."""
    from django.utils import translation

    from .dashboard import summary

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            summary(timezone.localdate(), refresh=True)
