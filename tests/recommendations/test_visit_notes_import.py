"""The visit-notes import engine, on the sample files real offices send: safe to repeat,
all or nothing, every bad row reported with its line and column, no query per row."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provinces.models import Province
from recommendations import imports
from recommendations.imports import COLUMNS, read_table
from recommendations.imports.resolving import parse_date_range, parse_decimal
from recommendations.models import Recommendation, Status, StatusChange
from surveys.models import Finding, ImportBatch, Visit
from tracker.import_formats import FileTooLarge
from tracker.spreadsheets import Table

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"
HEADERS = [column.header for column in COLUMNS]


def read(name) -> Table:
    return read_table(content=(SAMPLES / name).read_bytes(), file_name=name)


def import_visit_notes(data, **kwargs):
    """The engine on a table, or on a ``tablib.Dataset`` built by the tests below."""
    table = data if isinstance(data, Table) else Table.from_dataset(data)
    return imports.import_visit_notes(table=table, **kwargs)


def run(name, user=None, **kwargs):
    return import_visit_notes(read(name), user=user, file_name=name, **kwargs)


def snapshot():
    """Everything an import may write, to prove that a refused one wrote nothing."""
    return (
        list(Visit.objects.order_by("pk").values_list("pk", "end_date", "updated_at")),
        list(Finding.objects.order_by("pk").values_list("pk", "description", "updated_at")),
        list(
            Recommendation.objects.order_by("pk").values_list(
                "pk", "text", "status", "due_date", "version", "updated_at"
            )
        ),
        StatusChange.objects.count(),
        ImportBatch.objects.count(),
    )


def dataset(*rows, headers=HEADERS):
    data = tablib.Dataset(headers=headers)
    for cells in rows:
        values = dict.fromkeys(headers, "")
        values.update(cells)
        data.append([values[header] for header in headers])
    return data


def obstacle(**cells):
    return {
        "Mã dòng": "kiem-thu-01",
        "Tỉnh/thành phố": "Quảng Ninh",
        "Ngày làm việc": "14/08/2025",
        "Loại": "khó khăn",
        "Chủ đề": "nhân lực",
        "Nội dung": "Thiếu cán bộ.",
        **cells,
    }


def test_sample_file_creates_visits_findings_and_recommendations():
    report = run("visit_notes_sample.csv")
    assert report.ok, report.lines()
    assert (report.created, report.updated, report.unchanged) == (8, 0, 0)
    assert report.visits_created == 4
    batch = report.batch
    assert (batch.rows, batch.created, batch.dry_run, batch.user) == (8, 8, False, None)

    obstacle = Finding.objects.get(key="mau-qn-kk-01")
    assert obstacle.kind == Finding.Kind.OBSTACLE
    assert obstacle.province.code == "22"
    assert obstacle.visit.delegation.number == 2
    assert obstacle.visit.start_date == datetime.date(2025, 8, 14)
    assert obstacle.theme == "human_resources"
    assert [f.name for f in obstacle.fields.all()] == ["Chuyển đổi số"]
    assert obstacle.import_batch == batch

    achievement = Finding.objects.get(key="mau-th-kq-01")
    assert achievement.figure_value == Decimal("99.99")
    assert achievement.figure_unit == "%"
    assert achievement.visit.end_date == datetime.date(2025, 8, 21)
    assert achievement.province.name == "Thanh Hóa"  # written "thanh hoa"

    recommendation = Recommendation.objects.get(key="mau-qn-kn-01")
    assert recommendation.status == Status.REPORTED
    assert recommendation.responsible_unit.name == "Vụ Tổ chức cán bộ"
    assert recommendation.due_date == datetime.date(2025, 12, 31)
    assert {a.code for a in recommendation.addressed_to.all()} == {"most", "moha"}
    history = list(recommendation.history.values_list("from_status", "to_status"))
    assert history == [("", "new"), ("new", "reported")]

    # "TP. Hải Phòng" and the former province "Hải Dương" both land on Hải Phòng.
    assert Recommendation.objects.get(key="mau-hp-kn-01").province.name == "Hải Phòng"
    assert Finding.objects.get(key="mau-hp-kk-01").province.name == "Hải Phòng"
    assert Recommendation.objects.get(key="mau-hp-kn-01").fields.count() == 2
    # "Bắc Giang" was merged into Bắc Ninh.
    assigned = Recommendation.objects.get(key="mau-bn-kn-01")
    assert (assigned.province.name, assigned.status) == ("Bắc Ninh", Status.ASSIGNED)


def test_importing_the_same_file_twice_changes_nothing():
    run("visit_notes_sample.csv")
    before = snapshot()
    report = run("visit_notes_sample.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 8)
    assert report.visits_created == 0
    after = snapshot()
    assert after[:4] == before[:4]  # rows, versions, timestamps, history untouched
    assert after[4] == before[4] + 1  # the second import is recorded, with its counts
    assert ImportBatch.objects.first().unchanged == 8


def test_a_corrected_file_updates_in_place():
    run("visit_notes_sample.csv")
    counts = (Visit.objects.count(), Finding.objects.count(), Recommendation.objects.count())
    version = Recommendation.objects.get(key="mau-qn-kn-01").version
    report = run("visit_notes_sample_corrected.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 2, 6)
    assert counts == (
        Visit.objects.count(),
        Finding.objects.count(),
        Recommendation.objects.count(),
    )
    assert "an toàn thông tin" in Finding.objects.get(key="mau-qn-kk-01").description
    recommendation = Recommendation.objects.get(key="mau-qn-kn-01")
    assert recommendation.due_date == datetime.date(2026, 3, 31)
    assert recommendation.version == version + 1
    assert recommendation.import_batch == report.batch
    # The triage change is on the timeline, as the triage service writes it.
    assert "Hạn xử lý: 31/03/2026" in recommendation.history.last().comment


@pytest.mark.parametrize("name", ["visit_notes_semicolon_bom.csv", "visit_notes_blank_rows.xlsx"])
def test_real_file_quirks_import_the_same_rows(name):
    report = run(name)
    assert report.ok, report.lines()
    assert report.created == 8
    assert [row.line for row in report.rows] == list(range(2, 10))
    assert Finding.objects.get(key="mau-qn-kq-01").figure_value == Decimal("98.8")
    # Then the plain CSV finds everything already there.
    assert run("visit_notes_sample.csv").unchanged == 8


def test_former_province_names_land_on_the_merged_province():
    report = run("visit_notes_former_provinces.csv")
    assert report.ok
    assert Finding.objects.get(key="mau-cu-01").province.name == "Bắc Ninh"
    assert Finding.objects.get(key="mau-cu-02").province.name == "Hải Phòng"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bad_unknown_province.csv",
            ["Dòng 3, cột “Tỉnh/thành phố”: Không tìm thấy tỉnh, thành phố “Tỉnh Sài Gòn Mới”."],
        ),
        (
            "bad_former_and_unknown_province.csv",
            [
                "Dòng 4, cột “Tỉnh/thành phố”: "
                "Không tìm thấy tỉnh, thành phố “Thành phố Thủ Dầu Một”."
            ],
        ),
        ("bad_empty_text.csv", ["Dòng 3, cột “Nội dung”: Nội dung đang để trống."]),
        (
            "bad_many_errors.csv",
            [
                "Dòng 3, cột “Ngày làm việc”: “32/08/2025” không phải là ngày: "
                "hãy ghi theo dạng dd/mm/yyyy.",
                "Dòng 4, cột “Loại”: “ý kiến” không phải là loại dòng: "
                "ghi khó khăn, kết quả hoặc kiến nghị.",
                "Dòng 5, cột “Lĩnh vực”: Không tìm thấy lĩnh vực “Nông nghiệp”.",
                "Dòng 6, cột “Số liệu”: Tỷ lệ phần trăm phải nằm trong khoảng 0 đến 100.",
                "Dòng 7, cột “Mã dòng”: Mã “mau-qn-kk-01” đã dùng ở dòng 2.",
            ],
        ),
    ],
)
def test_one_bad_row_and_nothing_is_written(name, expected):
    before = snapshot()
    report = run(name)
    assert not report.ok
    assert [str(error) for error in report.errors] == expected
    assert report.batch is None
    assert snapshot() == before
    assert report.summary().startswith("Chưa nhập gì")


def test_a_bad_row_after_thousands_of_good_ones_still_writes_nothing():
    good = [obstacle(**{"Mã dòng": f"kt-{index}"}) for index in range(1500)]
    bad = obstacle(**{"Mã dòng": "kt-bad", "Tỉnh/thành phố": "Atlantis"})
    before = snapshot()
    report = import_visit_notes(dataset(*good, bad), user=None, file_name="x.csv")
    assert [error.line for error in report.errors] == [1502]
    assert snapshot() == before


def test_dry_run_reports_without_writing():
    before = snapshot()
    report = run("visit_notes_sample.csv", dry_run=True)
    assert report.ok and report.created == 8
    assert snapshot() == before
    assert "Chạy thử" in report.summary()


def test_dry_run_of_the_command_is_recorded_when_asked():
    report = run("visit_notes_sample.csv", dry_run=True, record_dry_run=True)
    assert report.batch.dry_run and report.batch.created == 8
    assert not Finding.objects.filter(key="mau-qn-kk-01").exists()


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (["Mã dòng", "Tỉnh", "Ngày làm việc", "Loại"], "Thiếu cột “Nội dung”."),
        ([*HEADERS, "Ghi chú riêng"], "Không có cột “Ghi chú riêng”."),
        ([*HEADERS, "tinh"], "Cột “tinh” xuất hiện hai lần."),
    ],
)
def test_wrong_headers_are_reported_before_any_row(headers, message):
    report = import_visit_notes(dataset(headers=headers), user=None, file_name="x.csv")
    assert any(error.startswith(message) for error in report.file_errors), report.file_errors


def test_headers_may_be_english_without_diacritics_or_marked_required():
    headers = ["KEY", "province (*)", "ngay lam viec", "Loại *", "chu de", "text"]
    data = tablib.Dataset(headers=headers)
    data.append(["kt-en-01", "22", "14/08/2025", "obstacle", "budget", "Thiếu kinh phí."])
    report = import_visit_notes(data, user=None, file_name="x.csv")
    assert report.ok, report.lines()
    assert Finding.objects.get(key="kt-en-01").theme == "budget"


def test_a_key_cannot_change_between_finding_and_recommendation():
    run("visit_notes_sample.csv")
    row = obstacle(**{"Mã dòng": "mau-qn-kn-01"})
    report = import_visit_notes(dataset(row), user=None, file_name="x.csv")
    assert [error.column for error in report.errors] == ["Loại"]


def test_recommendation_only_columns_are_refused_on_findings():
    row = obstacle(**{"Trạng thái": "đã giải quyết"})
    report = import_visit_notes(dataset(row), user=None, file_name="x.csv")
    assert [error.column for error in report.errors] == ["Trạng thái"]


def test_status_moves_follow_the_lifecycle():
    run("visit_notes_sample.csv")
    # reported → resolved is allowed, and needs a resolution note.
    row = {
        "Mã dòng": "mau-qn-kn-01",
        "Tỉnh/thành phố": "Quảng Ninh",
        "Đoàn": "2",
        "Ngày làm việc": "14/08/2025",
        "Loại": "kiến nghị",
        "Lĩnh vực": "Quản lý khoa học và công nghệ",
        "Chủ đề": "tổ chức bộ máy",
        "Nội dung": "Ban hành hướng dẫn thống nhất về vị trí việc làm của Sở KH&CN.",
        "Kiến nghị tới": "Bộ Khoa học và Công nghệ; Bộ Nội vụ",
        "Đơn vị chủ trì": "Vụ Tổ chức cán bộ",
        "Hạn xử lý": "31/12/2025",
        "Trạng thái": "đã giải quyết",
    }
    report = import_visit_notes(dataset(row), user=None, file_name="x.csv")
    assert [(e.column, e.message) for e in report.errors] == [
        ("Ghi chú trạng thái", "Cần ghi kết quả xử lý trước khi đóng kiến nghị.")
    ]
    row["Ghi chú trạng thái"] = "Bộ đã ban hành Thông tư hướng dẫn."
    report = import_visit_notes(dataset(row), user=None, file_name="x.csv")
    assert report.ok, report.lines()
    recommendation = Recommendation.objects.get(key="mau-qn-kn-01")
    assert recommendation.status == Status.RESOLVED
    assert recommendation.resolution_note == "Bộ đã ban hành Thông tư hướng dẫn."
    assert recommendation.history.last().to_status == Status.RESOLVED
    # resolved → assigned is not a move the lifecycle allows.
    row["Trạng thái"] = "đã giao xử lý"
    report = import_visit_notes(dataset(row), user=None, file_name="x.csv")
    assert [e.column for e in report.errors] == ["Trạng thái"]
    assert "không thể chuyển sang" in report.errors[0].message


def test_the_number_of_queries_does_not_grow_with_the_rows():
    def queries(count, prefix):
        rows = [
            obstacle(**{"Mã dòng": f"{prefix}-{i}", "Lĩnh vực": "Chuyển đổi số"})
            for i in range(count)
        ]
        rows += [
            {
                "Mã dòng": f"{prefix}-kn-{i}",
                "Tỉnh/thành phố": "Quảng Ninh",
                "Ngày làm việc": "14/08/2025",
                "Loại": "kiến nghị",
                "Chủ đề": "ngân sách",
                "Nội dung": "Bổ sung kinh phí.",
                "Kiến nghị tới": "Bộ Khoa học và Công nghệ",
                "Đơn vị chủ trì": "Vụ Pháp chế",
                "Trạng thái": "đã giao xử lý",
            }
            for i in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            report = import_visit_notes(dataset(*rows), user=None, file_name="x.csv")
        assert report.ok, report.lines()[:5]
        return len(captured)

    # 390 more rows cost a few more batch statements (SQLite inserts ~60 rows per statement),
    # never a query per row.
    assert queries(200, "b") - queries(5, "a") < 20


def test_parsing_dates_and_numbers_as_offices_write_them():
    assert parse_date_range("20/08/2025") == (datetime.date(2025, 8, 20), None)
    assert parse_date_range("20/08/2025 - 22/08/2025")[1] == datetime.date(2025, 8, 22)
    assert parse_date_range("20/08/2025–22/08/2025")[1] == datetime.date(2025, 8, 22)
    assert parse_date_range("20-08-2025")[0] == datetime.date(2025, 8, 20)
    assert parse_date_range(datetime.datetime(2025, 8, 20))[0] == datetime.date(2025, 8, 20)
    with pytest.raises(ValueError):
        parse_date_range("08/20/2025")
    with pytest.raises(ValueError):
        parse_date_range("22/08/2025 - 20/08/2025")
    assert parse_decimal("98,83") == Decimal("98.83")
    assert parse_decimal("1.234,5") == Decimal("1234.5")
    assert parse_decimal(97.5) == Decimal("97.5")
    with pytest.raises(ValueError):
        parse_decimal("nhiều")


def test_files_over_the_row_limit_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(FileTooLarge):
        read("visit_notes_sample.csv")
    with pytest.raises(FileTooLarge):
        read("visit_notes_blank_rows.xlsx")


def test_blank_trailing_rows_do_not_count_against_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 8
    assert len(read("visit_notes_blank_rows.xlsx")) == 8


# --- who may import ---------------------------------------------------------------------------


def grant_import(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="import_visit_notes"))
    user.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    # Permissions and groups are cached on the user object.
    for attribute in ("_perm_cache", "_user_perm_cache", "_tracker_groups"):
        user.__dict__.pop(attribute, None)
    return user


def test_admins_import_and_are_recorded(admin_user):
    report = run("visit_notes_sample.csv", user=admin_user)
    assert report.ok
    assert report.batch.user == admin_user
    entry = Recommendation.objects.get(key="mau-qn-kn-01").history.first()
    assert entry.changed_by == admin_user


def test_ministry_staff_need_the_import_permission(ministry_user):
    with pytest.raises(PermissionDenied):
        run("visit_notes_sample.csv", user=ministry_user)
    assert run("visit_notes_sample.csv", user=grant_import(ministry_user)).ok


def test_a_plain_user_with_the_permission_but_no_role_may_not_import(plain_user):
    with pytest.raises(PermissionDenied):
        run("visit_notes_sample.csv", user=grant_import(plain_user))


def test_an_officer_imports_their_own_province():
    from recommendations import roles
    from tests.conftest import make_user

    officer = grant_import(make_user("qn2", roles.PROVINCIAL_OFFICER, province_code="22"))
    rows = [obstacle(**{"Mã dòng": "qn-own-01"}), obstacle(**{"Mã dòng": "qn-own-02"})]
    report = import_visit_notes(dataset(*rows), user=officer, file_name="x.csv")
    assert report.ok, report.lines()


def test_an_officers_file_with_one_foreign_row_is_refused_entirely(officer_qn):
    grant_import(officer_qn)
    before = snapshot()
    report = run("bad_foreign_row_quang_ninh.csv", user=officer_qn)
    assert [str(error) for error in report.errors] == [
        "Dòng 4, cột “Tỉnh/thành phố”: Bạn chỉ được nhập dữ liệu của Quảng Ninh."
    ]
    assert snapshot() == before


def test_an_officer_cannot_overwrite_another_provinces_row_by_its_key(officer_qn):
    """The forged row names the officer's own province but the key of a Bắc Ninh
    recommendation from the seed: it would move it to Quảng Ninh and rewrite it."""
    grant_import(officer_qn)
    row = {
        "Mã dòng": "2025-bac-ninh-kn-01",
        "Tỉnh/thành phố": "Quảng Ninh",
        "Ngày làm việc": "14/08/2025",
        "Loại": "kiến nghị",
        "Chủ đề": "ngân sách",
        "Nội dung": "Ghi đè.",
    }
    before = snapshot()
    report = import_visit_notes(dataset(row), user=officer_qn, file_name="x.csv")
    assert [error.column for error in report.errors] == ["Tỉnh/thành phố"]
    assert snapshot() == before


def test_an_officer_may_not_set_triage_or_take_ministry_transitions(officer_qn):
    grant_import(officer_qn)
    base = {
        "Mã dòng": "qn-kn-new",
        "Tỉnh/thành phố": "Quảng Ninh",
        "Ngày làm việc": "14/08/2025",
        "Loại": "kiến nghị",
        "Chủ đề": "ngân sách",
        "Nội dung": "Bổ sung kinh phí.",
    }
    report = import_visit_notes(
        dataset({**base, "Đơn vị chủ trì": "Vụ Pháp chế"}), user=officer_qn, file_name="x.csv"
    )
    assert [e.message for e in report.errors] == [
        "Chỉ cán bộ Bộ được đặt đơn vị chủ trì và hạn xử lý."
    ]
    report = import_visit_notes(
        dataset({**base, "Trạng thái": "đã báo cáo Lãnh đạo Bộ"}), user=officer_qn, file_name="x"
    )
    assert [e.column for e in report.errors] == ["Trạng thái"]
    # Without triage or status, the officer's recommendation is recorded as new.
    assert import_visit_notes(dataset(base), user=officer_qn, file_name="x.csv").ok


def test_the_province_lookups_cost_two_queries_whatever_the_spelling():
    index = Province.objects.name_index()
    assert len({province.pk for province in index.values()}) == 34
