"""manage.py import_visit_notes: the same report as the admin, for large files."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from surveys.models import Finding, ImportBatch
from tests.recommendations.test_visit_notes_import import snapshot

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"


def command(name, *args):
    out = StringIO()
    call_command("import_visit_notes", str(SAMPLES / name), *args, stdout=out)
    return out.getvalue()


def test_without_user_the_command_acts_as_the_system_and_says_so():
    output = command("visit_notes_sample.csv")
    assert "Không có --user: chạy với tư cách hệ thống" in output
    assert "Đã nhập. 8 dòng: 8 tạo mới" in output
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.via, batch.dry_run) == (None, ImportBatch.Via.COMMAND, False)


def test_dry_run_prints_the_report_and_writes_nothing_but_its_record():
    before = snapshot()
    output = command("visit_notes_sample.csv", "--dry-run", "--verbosity", "2")
    assert "Dòng 2: mau-qn-kk-01 – tạo mới" in output
    assert "Chạy thử, chưa ghi gì" in output
    assert snapshot()[:4] == before[:4]
    assert ImportBatch.objects.get().dry_run


def test_a_bad_file_fails_with_every_error_and_writes_nothing():
    before = snapshot()
    out = StringIO()
    with pytest.raises(CommandError, match="Chưa nhập gì: có 5 lỗi"):
        call_command("import_visit_notes", str(SAMPLES / "bad_many_errors.csv"), stdout=out)
    assert "Dòng 5, cột “Lĩnh vực”: Không tìm thấy lĩnh vực “Nông nghiệp”." in out.getvalue()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_wrong_type.pdf", "không phải tệp CSV hoặc XLSX"),
        ("bad_not_really.xlsx", "Không đọc được tệp"),
        ("khong-co.csv", "Không có tệp"),
    ],
)
def test_files_it_cannot_read(name, message):
    with pytest.raises(CommandError, match=message):
        command(name)


def test_the_size_limit_applies(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(CommandError, match="tối đa"):
        command("visit_notes_sample.csv")


def test_a_named_user_needs_the_import_permission(officer_qn):
    with pytest.raises(CommandError, match="không có quyền nhập"):
        command("visit_notes_former_provinces.csv", "--user", officer_qn.username)
    with pytest.raises(CommandError, match="Không có người dùng"):
        command("visit_notes_sample.csv", "--user", "khong-ai")


def test_an_officer_named_on_the_command_is_held_to_their_province(officer_qn):
    officer_qn.user_permissions.add(Permission.objects.get(codename="import_visit_notes"))
    before = snapshot()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_visit_notes",
            str(SAMPLES / "bad_foreign_row_quang_ninh.csv"),
            "--user",
            officer_qn.username,
            stdout=out,
        )
    assert "Dòng 4, cột “Tỉnh/thành phố”: Bạn chỉ được nhập dữ liệu của Quảng Ninh." in (
        out.getvalue()
    )
    assert snapshot() == before


def test_the_admin_named_on_the_command_is_recorded(admin_user):
    command("visit_notes_sample.csv", "--user", admin_user.username)
    assert ImportBatch.objects.get().user == admin_user
    assert Finding.objects.get(key="mau-qn-kk-01").import_batch.user == admin_user
