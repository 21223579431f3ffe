"""The export: exactly the filtered list, as CSV that Excel opens cleanly and as XLSX."""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from recommendations.models import Recommendation
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

CSV_URL = reverse("recommendations:export_csv")
XLSX_URL = reverse("recommendations:export_xlsx")
LIST_URL = reverse("recommendations:list")

HEADERS = [
    "Mã số",
    "Tỉnh, thành phố",
    "Kiến nghị",
    "Nhóm vấn đề",
    "Lĩnh vực",
    "Kiến nghị tới",
    "Đoàn công tác",
    "Đơn vị chủ trì xử lý",
    "Mức ưu tiên",
    "Hạn xử lý",
    "Trạng thái",
    "Quá hạn",
    "Thời hạn",
    "Ngày tạo",
    "Cập nhật lần cuối",
    "Nhóm",
    "Đường dẫn",
]


def _csv(client, params=None):
    response = client.get(CSV_URL, params or {})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return response, body


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _listed_ids(client, params) -> list[int]:
    response = client.get(LIST_URL, {**params, "page_size": 100})
    return [r.pk for r in response.context["object_list"]]


def test_csv_is_utf8_with_a_bom_and_vietnamese_headers(staff_client):
    response, body = _csv(staff_client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kien-nghi-')
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = _csv_rows(body)
    assert rows[0] == HEADERS
    assert len(rows) == 1 + 19


def test_csv_headers_stay_vietnamese_from_the_english_page(staff_client):
    staff_client.cookies["django_language"] = "en"
    assert staff_client.get(LIST_URL).context["LANGUAGE_CODE"] == "en"
    _response, body = _csv(staff_client)
    assert _csv_rows(body)[0] == HEADERS


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"province": ["22", "24"]},
        {"q": "dao tao"},
        {"theme": "legal", "ordering": "province"},
        {"status": "reported", "ordering": "-province"},
        {"q": "khong co"},
        {"province": "abc", "theme": "legal"},  # a bad value is left out, as on the list
    ],
)
def test_csv_rows_are_exactly_the_filtered_list_in_its_order(staff_client, params):
    _response, body = _csv(staff_client, params)
    exported = [int(row[0]) for row in _csv_rows(body)[1:]]
    assert exported == _listed_ids(staff_client, params)


def test_csv_ignores_the_page(staff_client):
    _response, body = _csv(staff_client, {"page": 2, "page_size": 5})
    assert len(_csv_rows(body)) == 1 + 19


def test_csv_row_content(staff_client):
    recommendation = Recommendation.objects.get(key="2025-quang-ninh-kn-01")
    Recommendation.objects.filter(pk=recommendation.pk).update(
        responsible_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
        due_date=datetime.date(2025, 12, 31),
    )
    _response, body = _csv(staff_client, {"q": "thong nhat co cau so"})
    rows = _csv_rows(body)
    assert len(rows) == 2
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["Tỉnh, thành phố"] == "Quảng Ninh"
    assert row["Kiến nghị"] == recommendation.text
    assert row["Nhóm vấn đề"] == "tổ chức bộ máy, biên chế"
    assert row["Đoàn công tác"].startswith("Đoàn số 2")
    assert row["Đơn vị chủ trì xử lý"] == "Vụ Pháp chế"
    assert row["Hạn xử lý"] == "31/12/2025"
    assert row["Trạng thái"] == "đã báo cáo Lãnh đạo Bộ"
    assert row["Thời hạn"].startswith("quá hạn ") and row["Thời hạn"].endswith(" ngày làm việc")
    # The site's public address (SITE_URL), as in the e-mails.
    assert row["Đường dẫn"] == f"{settings.SITE_URL}/recommendations/{recommendation.pk}/"
    assert row["Lĩnh vực"] == "; ".join(f.name for f in recommendation.fields.all())
    assert row["Lĩnh vực"].count(";") == 2  # three fields
    assert row["Kiến nghị tới"] == "; ".join(a.name for a in recommendation.addressed_to.all())


def test_csv_keeps_formulas_as_text(staff_client):
    Recommendation.objects.filter(key="2025-bac-ninh-kn-02").update(text='=HYPERLINK("x")')
    _response, body = _csv(staff_client, {"province": "24"})
    texts = [row[2] for row in _csv_rows(body)[1:]]
    assert '\'=HYPERLINK("x")' in texts


def test_xlsx_is_readable_with_vietnamese_headers_and_the_filtered_rows(staff_client):
    params = {"province": ["22", "38"], "ordering": "province"}
    response = staff_client.get(XLSX_URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [row[0] for row in rows[1:]] == _listed_ids(staff_client, params)
    assert {row[1] for row in rows[1:]} == {"Quảng Ninh", "Thanh Hóa"}


def test_xlsx_dates_are_dates_and_formulas_are_text(staff_client):
    Recommendation.objects.filter(key="2025-bac-ninh-kn-02").update(
        text="=1+1", due_date=datetime.date(2026, 1, 15)
    )
    response = staff_client.get(XLSX_URL, {"province": "24", "ordering": "-due"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    first = next(sheet.iter_rows(min_row=2, max_row=2))
    assert first[2].value == "=1+1"
    assert first[2].data_type == "s"
    assert first[9].value == datetime.datetime(2026, 1, 15)
    assert first[9].number_format == "DD/MM/YYYY"


def test_xlsx_has_filters_a_frozen_header_and_links_one_clicks(staff_client, settings):
    settings.SITE_URL = "https://theodoi.most.gov.vn/"
    response = staff_client.get(XLSX_URL, {"province": "22"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{sheet.max_row}"
    assert sheet.max_row == 1 + 6
    link = sheet.cell(row=2, column=17).value
    number = sheet.cell(row=2, column=1).value
    url = f"https://theodoi.most.gov.vn/recommendations/{number}/"
    assert link == f'=HYPERLINK("{url}","{url}")'


def _more(count):
    from provinces.models import Province

    province = Province.objects.get(code="22")
    Recommendation.objects.bulk_create(
        Recommendation(province=province, text=f"Kiến nghị số {n}", theme="legal")
        for n in range(count)
    )


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_export_query_count_does_not_grow_per_row(staff_client, django_assert_num_queries, url):
    def fetch():
        response = staff_client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)

    staff_client.get(LIST_URL)
    # session, user, the user's roles (an officer's export defaults to their province), the
    # rows, and the fields and addressees of those rows
    with django_assert_num_queries(6):
        fetch()
    _more(300)
    with django_assert_num_queries(6):
        fetch()
