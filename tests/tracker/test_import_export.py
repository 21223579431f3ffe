"""Import and export per model in the admin (django-import-export resources): import for
reference data only, natural keys, safe to repeat, formulas escaped on export and unescaped on
import, the round trip."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from provinces.models import Province
from recommendations.models import Recommendation
from surveys.models import Delegation, Finding, Visit
from tracker.import_formats import CSV, escape_formula

pytestmark = pytest.mark.django_db


def _url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def export(client, model, index="0") -> bytes:
    """Export every field of the model's resource, as the export page's form does."""
    form = client.get(_url(model, "export")).context["form"]
    data = {"format": index, "resource": "0"}
    data.update(
        {name: "on" for name, f in form.fields.items() if getattr(f, "is_selectable_field", False)}
    )
    response = client.post(_url(model, "export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def export_csv(client, model):
    return list(csv.reader(io.StringIO(export(client, model).decode("utf-8-sig"))))


def import_csv(client, model, text, name="data.csv"):
    return client.post(
        _url(model, "import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, text.encode())},
    )


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_only_reference_data_has_a_per_model_import(client, admin_user):
    """Rows of the workflow enter through the visit-notes import only: the second engine for
    them, which wrote priority, due dates and versions, is gone. Their exports stay."""
    client.force_login(admin_user)
    for model in (Province, Delegation):
        assert client.get(_url(model, "import")).status_code == 200
    for model in (Province, Delegation, Visit, Finding, Recommendation):
        assert client.get(_url(model, "export")).status_code == 200
    for model in (Visit, Finding, Recommendation):
        with pytest.raises(NoReverseMatch):
            _url(model, "import")


def test_the_admins_csv_export_starts_with_the_bom_excel_needs(client, admin_user):
    client.force_login(admin_user)
    assert export(client, Province).startswith("\ufeff".encode())


@pytest.mark.parametrize("model", [Province, Delegation])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_reference_data_reimports_unchanged_from_its_export(client, admin_user, model, file_format):
    Province.objects.filter(code="22").update(name="=Quảng Ninh")  # a formula-guarded cell
    client.force_login(admin_user)
    index = {"csv": "0", "xlsx": "1"}[file_format]
    exported = export(client, model, index)
    response = client.post(
        _url(model, "import"),
        {
            "resource": "0",
            "format": index,
            "import_file": SimpleUploadedFile(f"export.{file_format}", exported),
        },
    )
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}


def test_province_export_uses_codes_and_leaves_out_generated_columns(client, admin_user):
    client.force_login(admin_user)
    rows = export_csv(client, Province)
    assert rows[0] == ["code", "name", "slug", "kind", "wards", "communes", "special_zones"]
    assert len(rows) == 35


def test_formulas_are_escaped_on_export(client, admin_user):
    Finding.objects.filter(key="2025-quang-ninh-kk-01").update(
        description='=HYPERLINK("http://example.invalid","bấm")'
    )
    client.force_login(admin_user)
    rows = export_csv(client, Finding)
    column = rows[0].index("Nội dung")  # the visit-notes format, the first export offered
    cells = [row[column] for row in rows[1:]]
    assert '\'=HYPERLINK("http://example.invalid","bấm")' in cells
    for prefix in "=+-@":
        assert escape_formula(prefix + "1") == "'" + prefix + "1"
    assert escape_formula(12) == 12


def test_an_officer_cannot_import_reference_data(client, officer_qn):
    client.force_login(grant(officer_qn, "import_province", "view_province"))
    text = (
        "code,name,slug,kind,wards,communes,special_zones\n"
        "22,Quảng Ninh 2,quang-ninh,province,1,1,0\n"
    )
    response = import_csv(client, Province, text)
    assert "Chỉ cán bộ Bộ được nhập dữ liệu này." in response.content.decode()
    assert Province.objects.get(code="22").name == "Quảng Ninh"


def test_import_needs_the_models_import_permission(client, ministry_user):
    client.force_login(ministry_user)
    assert client.get(_url(Province, "import")).status_code == 403


def test_semicolon_csv_with_bom_reads_like_comma_csv():
    semicolon = "\ufeffa;b\r\n1;x,y\r\n".encode()
    comma = b'a,b\r\n1,"x,y"\r\n\r\n\r\n'
    for data in (semicolon, comma):
        dataset = CSV(encoding="utf-8-sig").create_dataset(data)
        assert dataset.headers == ["a", "b"]
        assert list(dataset) == [("1", "x,y")]


# --- the reference-data preview and its confirmation, attacked --------------------------------

PROVINCE_CSV = "\n".join(
    [
        "code,name,slug,kind,wards,communes,special_zones",
        "22,Quảng Ninh mới,quang-ninh,province,1,1,0",
        "",
    ]
)
REFUSED = "Không xác nhận được bản xem trước này"


@pytest.fixture
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media" / "imports" / "pending"


def preview_province(client):
    preview = import_csv(client, Province, PROVINCE_CSV)
    form = preview.context["confirm_form"]
    return {name: form.initial[name] for name in form.fields}


def test_a_reference_preview_waits_in_private_storage_and_confirms(
    client, admin_user, private_media
):
    client.force_login(admin_user)
    data = preview_province(client)
    assert [p.name for p in private_media.iterdir()] == [data["import_file_name"]]
    response = client.post(_url(Province, "process_import"), data)
    assert response.status_code == 302
    assert Province.objects.get(code="22").name == "Quảng Ninh mới"
    assert list(private_media.iterdir()) == []


@pytest.mark.parametrize(
    "forged",
    [
        {"import_file_name": "../../../../etc/passwd"},
        {"import_file_name": "0" * 32},
        {"format": "9"},
        {"format": "x"},
    ],
)
def test_a_forged_reference_confirmation_is_a_form_error(client, admin_user, private_media, forged):
    client.force_login(admin_user)
    data = preview_province(client)
    response = client.post(_url(Province, "process_import"), {**data, **forged})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert Province.objects.get(code="22").name == "Quảng Ninh"
    assert [p.name for p in private_media.iterdir()] == [data["import_file_name"]]


def test_another_users_reference_preview_cannot_be_confirmed(
    client, admin_user, ministry_user, private_media
):
    client.force_login(admin_user)
    data = preview_province(client)
    client.force_login(grant(ministry_user, "import_province", "view_province"))
    response = client.post(_url(Province, "process_import"), data)
    assert REFUSED in response.content.decode()
    assert Province.objects.get(code="22").name == "Quảng Ninh"
    assert [p.name for p in private_media.iterdir()] == [data["import_file_name"]]


def test_a_double_click_on_a_reference_confirmation_is_a_form_error(
    client, admin_user, private_media
):
    client.force_login(admin_user)
    data = preview_province(client)
    assert client.post(_url(Province, "process_import"), data).status_code == 302
    second = client.post(_url(Province, "process_import"), data)
    assert second.status_code == 200 and REFUSED in second.content.decode()


def test_a_failed_reference_preview_keeps_nothing(client, admin_user, private_media):
    client.force_login(admin_user)
    response = import_csv(client, Province, "code,name\n99,\n")
    assert "confirm_form" not in response.context
    assert not private_media.exists() or list(private_media.iterdir()) == []
