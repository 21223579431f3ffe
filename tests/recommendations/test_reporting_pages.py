"""The "Báo cáo" page: who may, asking for a report, its progress, its files, the monthly run."""

import datetime
import io

import docx
import pytest
from django.core import mail
from django.urls import reverse

from recommendations.reporting.calendar import is_first_working_day_of_month
from recommendations.reporting.models import Report
from recommendations.reporting.tasks import monthly_report

pytestmark = pytest.mark.django_db

URL = reverse("recommendations:reports")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


def _ask(client, **data):
    return client.post(URL, {"period": "month", "year": 2025, "month": 10, **data})


def test_staff_builds_a_report_and_downloads_it(staff_client, ministry_user):
    response = _ask(staff_client)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.state == Report.State.DONE and report.progress == 100
    assert (report.date_from, report.as_of) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 10, 31),
    )
    assert report.requested_by == ministry_user
    page = staff_client.get(URL)
    assert "31/10/2025" in page.content.decode()
    download = staff_client.get(
        reverse("recommendations:report_download", args=[report.pk, "docx"])
    )
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    assert any("Tính đến ngày 31/10/2025" in p.text for p in document.paragraphs)
    for fmt in ("xlsx", "csv"):
        url = reverse("recommendations:report_download", args=[report.pk, fmt])
        assert staff_client.get(url).status_code == 200


def test_progress_panel_polls_until_ready(staff_client):
    report = Report.objects.create(
        kind=Report.Kind.ON_REQUEST,
        date_from=datetime.date(2025, 1, 1),
        as_of=datetime.date(2025, 10, 31),
    )
    response = staff_client.get(report.get_absolute_url(), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert 'hx-trigger="every 2s"' in content and "<html" not in content
    Report.objects.filter(pk=report.pk).update(state=Report.State.DONE)
    content = staff_client.get(
        report.get_absolute_url(), headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-trigger" not in content


def test_a_range_ending_before_it_starts_is_refused(staff_client):
    response = staff_client.post(
        URL, {"period": "range", "date_from": "31/10/2025", "date_to": "01/10/2025"}
    )
    assert response.status_code == 400
    assert "Ngày cuối không được trước ngày đầu" in response.content.decode()
    assert not Report.objects.exists()


def test_a_bad_date_is_refused_in_vietnamese(staff_client):
    response = staff_client.post(
        URL, {"period": "range", "date_from": "32/13/2025", "date_to": "x"}
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", ["officer_qn", "plain_user"])
def test_officers_and_others_may_not_read_or_build(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert _ask(client).status_code == 403
    assert not Report.objects.exists()
    report = Report.objects.create(
        kind=Report.Kind.ON_REQUEST,
        date_from=datetime.date(2025, 1, 1),
        as_of=datetime.date(2025, 10, 31),
    )
    assert client.get(report.get_absolute_url()).status_code == 403
    url = reverse("recommendations:report_download", args=[report.pk, "docx"])
    assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_first_working_day_of_the_month():
    assert is_first_working_day_of_month(datetime.date(2026, 12, 1))  # Tuesday
    assert not is_first_working_day_of_month(datetime.date(2026, 12, 2))
    # 1/1/2027 is New Year's Day (Friday): the first working day is Monday 4/1.
    assert not is_first_working_day_of_month(datetime.date(2027, 1, 1))
    assert is_first_working_day_of_month(datetime.date(2027, 1, 4))
    # 1/11/2025 is a Saturday: Monday 3/11.
    assert is_first_working_day_of_month(datetime.date(2025, 11, 3))


def test_monthly_report_is_built_and_mailed_on_the_first_working_day(admin_user, settings):
    admin_user.email = "quantri@most.gov.vn"
    admin_user.save()
    assert monthly_report("2025-11-04") is None
    assert not Report.objects.exists()
    pk = monthly_report("2025-11-03")
    report = Report.objects.get(pk=pk)
    assert (report.kind, report.date_from, report.as_of) == (
        Report.Kind.MONTHLY,
        datetime.date(2025, 10, 1),
        datetime.date(2025, 10, 31),
    )
    assert report.state == Report.State.DONE
    assert monthly_report("2025-11-03") is None  # once a month, even if the beat runs twice
    (message,) = mail.outbox
    assert message.to == ["quantri@most.gov.vn"]
    assert {name.rsplit(".", 1)[-1] for name, _content, _type in message.attachments} == {
        "docx",
        "xlsx",
    }


def test_the_beat_schedule_runs_the_monthly_task(settings):
    assert settings.CELERY_BEAT_SCHEDULE["monthly-report"]["task"] == "reports.monthly"


def test_the_form_offers_every_filter_and_keeps_the_chosen_ones(staff_client):
    from provinces.models import Province
    from surveys.models import Field

    page = staff_client.get(URL).content.decode()
    for name in (
        "period",
        "year",
        "month",
        "quarter",
        "date_from",
        "survey",
        "provinces",
        "units",
        "fields",
    ):
        assert f'name="{name}"' in page
    province, field = Province.objects.get(code="22"), Field.objects.first()
    _ask(staff_client, provinces=[province.pk], fields=[field.pk], period="quarter", quarter=3)
    report = Report.objects.get()
    assert report.filters == {"provinces": [province.pk], "fields": [field.pk]}
    assert (report.date_from, report.as_of) == (
        datetime.date(2025, 7, 1),
        datetime.date(2025, 9, 30),
    )
    assert province.name in report.description


def test_the_list_of_reports_has_a_fixed_query_count(
    staff_client, ministry_user, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            Report.objects.create(
                kind=Report.Kind.ON_REQUEST,
                requested_by=ministry_user,
                date_from=datetime.date(2025, 1, 1),
                as_of=datetime.date(2025, 10, 31),
            )

    add(2)
    staff_client.get(URL)
    # session, user, roles, the reports with their requesters, and the form's choices:
    # campaigns, provinces, units, fields
    with django_assert_num_queries(8) as captured:
        staff_client.get(URL)
    add(10)
    with django_assert_num_queries(len(captured)):
        staff_client.get(URL)
