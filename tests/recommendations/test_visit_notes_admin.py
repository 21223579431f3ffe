"""The visit-notes import in the admin, as an admin uses it and as an attacker tries it:
upload → preview → confirm, the template, the limits, the batch list and its filter."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from recommendations.import_admin import PENDING_DIR, SESSION_KEY
from recommendations.imports import template_file
from recommendations.models import Recommendation
from recommendations.tasks import purge_import_previews
from surveys.models import Finding, ImportBatch, Visit
from tests.recommendations.test_visit_notes_import import snapshot

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"
IMPORT = reverse("admin:surveys_importbatch_import")
CONFIRM = reverse("admin:surveys_importbatch_process_import")
BATCHES = reverse("admin:surveys_importbatch_changelist")
FORMAT = {".csv": "0", ".xlsx": "1"}


def upload(client, name, *, content=None, format_index=None):
    path = SAMPLES / name
    data = content if content is not None else path.read_bytes()
    return client.post(
        IMPORT,
        {
            "resource": "0",
            "format": format_index or FORMAT.get(path.suffix, "0"),
            "import_file": SimpleUploadedFile(name, data),
        },
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(CONFIRM, {name: form.initial[name] for name in form.fields})


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_the_import_page_documents_the_format_and_offers_the_template(client, admin_user):
    client.force_login(admin_user)
    page = client.get(IMPORT).content.decode()
    assert "Mẫu ghi chép buổi làm việc" in page
    assert "Tỉnh/thành phố" in page and "Ghi chú trạng thái" in page
    for extension in ("csv", "xlsx"):
        url = reverse("admin:surveys_importbatch_template", args=[extension])
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{extension}"')
    # The committed template is the one the page serves.
    csv = client.get(reverse("admin:surveys_importbatch_template", args=["csv"])).content
    assert csv == (SAMPLES / "visit_notes_template.csv").read_bytes() == template_file("csv")


def test_upload_preview_confirm(client, admin_user):
    client.force_login(admin_user)
    before = snapshot()
    preview = upload(client, "visit_notes_sample.csv")
    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    result = preview.context["result"]
    assert [row.import_type for row in result.rows] == ["new"] * 8
    page = preview.content.decode()
    assert "Chạy thử, chưa ghi gì. 8 dòng: 8 tạo mới" in page
    assert "Xác nhận nhập" in page  # django-import-export's own strings, in Vietnamese
    assert snapshot() == before  # the preview writes nothing, not even a batch

    response = confirm(client, preview)
    assert response.status_code == 302 and response.url == BATCHES
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.via, batch.created, batch.file_name) == (
        admin_user,
        ImportBatch.Via.ADMIN,
        8,
        "visit_notes_sample.csv",
    )
    assert Finding.objects.filter(import_batch=batch).count() == 5
    listing = client.get(BATCHES).content.decode()
    assert "visit_notes_sample.csv" in listing
    assert "8 dòng: 8 tạo mới" in listing  # the success message

    # The same file again: the preview says unchanged, the confirm changes nothing.
    again = upload(client, "visit_notes_sample.csv")
    assert [row.import_type for row in again.context["result"].rows] == ["skip"] * 8
    confirm(client, again)
    assert ImportBatch.objects.first().unchanged == 8


def test_a_bad_file_shows_every_error_by_line_and_column_and_no_confirm(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, "bad_many_errors.csv")
    assert "confirm_form" not in response.context
    invalid = response.context["result"].invalid_rows
    assert [row.number for row in invalid] == [3, 4, 5, 6, 7]
    assert invalid[0].field_specific_errors["Ngày làm việc"] == [
        "“32/08/2025” không phải là ngày: hãy ghi theo dạng dd/mm/yyyy."
    ]
    page = response.content.decode()
    assert "Chưa nhập gì: có 5 lỗi." in page
    assert "Dòng 5, cột “Lĩnh vực”: Không tìm thấy lĩnh vực “Nông nghiệp”." in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_wrong_type.pdf", "không phải tệp CSV hoặc XLSX"),
        ("bad_not_really.xlsx", "Không đọc được tệp"),
    ],
)
def test_wrong_files_get_a_plain_message(client, admin_user, name, message):
    client.force_login(admin_user)
    response = upload(client, name, format_index="1" if name.endswith("xlsx") else "0")
    assert message in response.content.decode()
    assert "confirm_form" not in response.context


def test_a_file_with_headers_only_is_refused_plainly(client, admin_user):
    client.force_login(admin_user)
    headers = (SAMPLES / "visit_notes_sample.csv").read_bytes().splitlines()[0] + b"\r\n"
    response = upload(client, "visit_notes_sample.csv", content=headers)
    assert "Tệp không có dòng nào để nhập" in response.content.decode()


def test_the_format_follows_the_file_whatever_the_form_says(client, admin_user):
    client.force_login(admin_user)
    for index in ("1", "7", "x"):  # the XLSX index, out of range, not a number
        response = upload(client, "visit_notes_sample.csv", format_index=index)
        assert response.status_code == 200
        assert "confirm_form" in response.context


def test_too_large_files_are_refused(client, admin_user, settings):
    client.force_login(admin_user)
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    response = upload(client, "visit_notes_sample.csv")
    assert "chỉ nhập được tệp tối đa" in response.content.decode()
    settings.IMPORT_MAX_UPLOAD_BYTES = 5_000_000
    settings.IMPORT_MAX_ROWS = 3
    response = upload(client, "visit_notes_sample.csv")
    assert "Tệp có hơn 3 dòng" in response.content.decode()


def test_a_non_utf8_csv_is_refused_with_advice(client, admin_user):
    client.force_login(admin_user)
    content = (SAMPLES / "visit_notes_sample.csv").read_text().encode("utf-16")
    response = upload(client, "visit_notes_sample.csv", content=content)
    assert "CSV UTF-8" in response.content.decode()


def test_the_batch_filter_shows_what_an_import_wrote(client, admin_user):
    client.force_login(admin_user)
    confirm(client, upload(client, "visit_notes_sample.csv"))
    batch = ImportBatch.objects.get()
    for model, expected in ((Visit, 4), (Finding, 5), (Recommendation, 3)):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"import_batch__id__exact": batch.pk})
        assert response.status_code == 200
        assert response.context["cl"].result_count == expected
        assert str(batch) in response.content.decode()  # offered as a filter choice


# --- attackers ------------------------------------------------------------------------------


def test_ministry_staff_without_the_permission_cannot_reach_the_import(client, ministry_user):
    client.force_login(ministry_user)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, "visit_notes_sample.csv").status_code == 403
    assert (
        client.get(reverse("admin:surveys_importbatch_template", args=["csv"])).status_code == 404
    )


def test_an_officer_without_the_permission_is_refused(client, officer_qn):
    client.force_login(officer_qn)
    assert client.get(IMPORT).status_code == 403
    response = client.post(CONFIRM, {"preview": "x"})
    assert response.status_code == 403


def test_an_officers_file_with_a_foreign_row_is_refused_in_the_preview(client, officer_qn):
    client.force_login(grant(officer_qn, "import_visit_notes"))
    before = snapshot()
    response = upload(client, "bad_foreign_row_quang_ninh.csv")
    assert "confirm_form" not in response.context
    [row] = response.context["result"].invalid_rows
    assert row.number == 4
    assert row.field_specific_errors["Tỉnh/thành phố"] == [
        "Bạn chỉ được nhập dữ liệu của Quảng Ninh."
    ]
    assert snapshot() == before


REFUSED = "Không xác nhận được bản xem trước này"


def pending_files():
    try:
        return default_storage.listdir(PENDING_DIR)[1]
    except FileNotFoundError:
        return []


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def test_a_clean_preview_is_kept_privately_under_an_id_in_the_session(client, admin_user):
    client.force_login(admin_user)
    preview = upload(client, "visit_notes_sample.csv")
    token = preview.context["confirm_form"].initial["preview"]
    assert list(preview.context["confirm_form"].fields) == ["preview"]  # no path, no format
    assert pending_files() == [token]
    assert token in client.session[SESSION_KEY]
    confirm(client, preview)
    assert pending_files() == []
    assert ImportBatch.objects.count() == 1


def test_a_failed_preview_keeps_nothing(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, "bad_many_errors.csv")
    assert "confirm_form" not in response.context
    assert pending_files() == []
    assert not client.session.get(SESSION_KEY)


def test_another_users_preview_cannot_be_confirmed_nor_its_file_touched(
    client, admin_user, officer_qn
):
    """The officer replays the confirm step with the id an admin's preview got: refused as a
    form error, and the admin's file is neither read nor deleted."""
    client.force_login(admin_user)
    preview = upload(client, "visit_notes_sample.csv")
    data = {name: preview.context["confirm_form"].initial[name] for name in ("preview",)}
    client.force_login(grant(officer_qn, "import_visit_notes"))
    before = snapshot()
    response = client.post(CONFIRM, data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert snapshot() == before
    assert pending_files() == [data["preview"]]


@pytest.mark.parametrize("forged", ["", "../../settings.py", "0" * 32, "x" * 500])
def test_a_forged_preview_id_is_a_form_error(client, admin_user, forged):
    client.force_login(admin_user)
    upload(client, "visit_notes_sample.csv")
    before = snapshot()
    response = client.post(CONFIRM, {"preview": forged})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert snapshot() == before
    assert len(pending_files()) == 1


def test_a_double_click_imports_once_and_says_so(client, admin_user):
    client.force_login(admin_user)
    preview = upload(client, "visit_notes_sample.csv")
    assert confirm(client, preview).status_code == 302
    second = confirm(client, preview)
    assert second.status_code == 200
    assert REFUSED in second.content.decode()
    assert ImportBatch.objects.count() == 1


def test_a_vanished_preview_is_a_form_error(client, admin_user):
    client.force_login(admin_user)
    preview = upload(client, "visit_notes_sample.csv")
    default_storage.delete(f"{PENDING_DIR}/{preview.context['confirm_form'].initial['preview']}")
    response = confirm(client, preview)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b"])
def test_a_control_character_is_a_row_error_at_preview(client, admin_user, character):
    client.force_login(admin_user)
    content = (SAMPLES / "visit_notes_sample.csv").read_text(encoding="utf-8-sig")
    lines = content.splitlines()
    lines[1] = (
        lines[1].replace("Thanh", f"Tha{character}nh", 1)
        if "Thanh" in lines[1]
        else (lines[1] + character)
    )
    response = upload(client, "visit_notes_sample.csv", content="\n".join(lines).encode())
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    [row] = response.context["result"].invalid_rows
    assert row.number == 2
    assert pending_files() == []


def test_unconfirmed_previews_are_purged_after_a_day(client, admin_user):
    client.force_login(admin_user)
    upload(client, "visit_notes_sample.csv")
    call_command("purge_import_previews", stdout=io.StringIO())
    assert len(pending_files()) == 1  # still fresh
    [name] = pending_files()
    path = Path(default_storage.path(f"{PENDING_DIR}/{name}"))
    old = time.time() - 25 * 3600
    os.utime(path, (old, old))
    purge_import_previews.delay()  # the scheduler's task, eager without a broker
    assert pending_files() == []
    assert "purge_import_previews" in str(settings.CELERY_BEAT_SCHEDULE)


def test_officers_see_only_their_own_batches(client, admin_user, officer_qn):
    client.force_login(admin_user)
    confirm(client, upload(client, "visit_notes_sample.csv"))
    batch = ImportBatch.objects.get()
    client.force_login(grant(officer_qn, "import_visit_notes"))
    response = client.get(BATCHES)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    detail = client.get(reverse("admin:surveys_importbatch_change", args=[batch.pk]))
    assert detail.status_code == 302  # Django's "does not exist" redirect, nothing shown
