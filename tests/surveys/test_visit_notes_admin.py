"""The visit-notes import in the admin, as an admin uses it and as an attacker tries it:
upload → preview → confirm, the template, the limits, the batch list and its filter."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recommendations.models import Recommendation
from surveys.models import Finding, ImportBatch, Visit
from surveys.visit_notes import template_file
from tests.surveys.test_visit_notes_import import snapshot

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
    assert "Tệp không có dữ liệu để nhập" in response.content.decode()


def test_the_format_must_match_the_extension(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, "visit_notes_sample.csv", format_index="1")
    assert "Định dạng đã chọn không khớp" in response.content.decode()


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
    response = client.post(
        CONFIRM, {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"}
    )
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


def test_a_forged_confirmation_is_validated_again_and_writes_nothing(
    client, admin_user, officer_qn
):
    """The officer replays the confirm step with the file an admin previewed (its temporary
    name): the confirm imports as the officer, re-validates, and refuses."""
    client.force_login(admin_user)
    preview = upload(client, "visit_notes_sample.csv")
    form = preview.context["confirm_form"]
    client.force_login(grant(officer_qn, "import_visit_notes"))
    before = snapshot()
    response = client.post(CONFIRM, {name: form.initial[name] for name in form.fields})
    assert response.status_code == 200  # the page again, with the errors
    assert response.context["result"].invalid_rows
    assert snapshot() == before


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
