"""Plain import and export per model in the admin (django-import-export resources): natural
keys, safe to repeat, formulas escaped on export, and the province rule for officers."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from provinces.models import Province
from recommendations.models import Recommendation, Status
from surveys.models import Finding
from tracker.import_formats import CSV, escape_formula

pytestmark = pytest.mark.django_db


def _url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def export_csv(client, model):
    """Export every field of the model's resource as CSV, as the export page's form does."""
    form = client.get(_url(model, "export")).context["form"]
    data = {"format": "0", "resource": "0"}
    data.update(
        {name: "on" for name, f in form.fields.items() if getattr(f, "is_selectable_field", False)}
    )
    response = client.post(_url(model, "export"), data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def import_csv(client, model, text, name="data.csv"):
    return client.post(
        _url(model, "import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile(name, text.encode())},
    )


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_every_imported_model_has_import_and_export_pages(client, admin_user):
    client.force_login(admin_user)
    for model in (Province, Finding, Recommendation):
        assert client.get(_url(model, "import")).status_code == 200
        assert client.get(_url(model, "export")).status_code == 200


def test_province_export_uses_codes_and_leaves_out_generated_columns(client, admin_user):
    client.force_login(admin_user)
    rows = export_csv(client, Province)
    assert rows[0] == ["code", "name", "slug", "kind", "wards", "communes", "special_zones"]
    assert len(rows) == 35


def test_reimporting_an_export_changes_nothing(client, admin_user):
    client.force_login(admin_user)
    rows = export_csv(client, Recommendation)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    preview = import_csv(client, Recommendation, out.getvalue())
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}


def test_formulas_are_escaped_on_export(client, admin_user):
    Finding.objects.filter(key="2025-quang-ninh-kk-01").update(
        description='=HYPERLINK("http://example.invalid","bấm")'
    )
    client.force_login(admin_user)
    rows = export_csv(client, Finding)
    column = rows[0].index("description")
    cells = [row[column] for row in rows[1:]]
    assert '\'=HYPERLINK("http://example.invalid","bấm")' in cells
    for prefix in "=+-@":
        assert escape_formula(prefix + "1") == "'" + prefix + "1"
    assert escape_formula(12) == 12


def test_a_new_recommendation_imported_plainly_starts_its_timeline(client, admin_user):
    client.force_login(admin_user)
    text = (
        "key,province,text,theme,fields,addressed_to\n"
        "kt-plain-01,thanh hoa,Kiến nghị mới.,budget,innovation,most\n"
    )
    preview = import_csv(client, Recommendation, text)
    form = preview.context["confirm_form"]
    response = client.post(
        _url(Recommendation, "process_import"), {n: form.initial[n] for n in form.fields}
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(key="kt-plain-01")
    assert recommendation.province.name == "Thanh Hóa"
    assert recommendation.status == Status.NEW
    assert list(recommendation.history.values_list("from_status", "to_status")) == [("", "new")]


def test_a_plain_import_cannot_change_the_status(client, admin_user):
    client.force_login(admin_user)
    text = "key,province,text,theme,status\n2025-quang-ninh-kn-01,22,Sửa.,organisation,resolved\n"
    preview = import_csv(client, Recommendation, text)
    form = preview.context["confirm_form"]
    client.post(_url(Recommendation, "process_import"), {n: form.initial[n] for n in form.fields})
    recommendation = Recommendation.objects.get(key="2025-quang-ninh-kn-01")
    assert (recommendation.text, recommendation.status) == ("Sửa.", Status.REPORTED)


def test_a_plain_update_raises_the_version_and_notes_it_in_the_timeline(client, admin_user):
    before = Recommendation.objects.get(key="2025-quang-ninh-kn-01")
    client.force_login(admin_user)
    text = "key,province,text,theme\n2025-quang-ninh-kn-01,22,Nội dung đã sửa.,organisation\n"
    preview = import_csv(client, Recommendation, text, name="sua-noi-dung.csv")
    form = preview.context["confirm_form"]
    client.post(_url(Recommendation, "process_import"), {n: form.initial[n] for n in form.fields})
    after = Recommendation.objects.get(pk=before.pk)
    assert after.version == before.version + 1
    entry = after.history.last()
    assert (entry.from_status, entry.to_status, entry.changed_by) == (
        Status.REPORTED,
        Status.REPORTED,
        admin_user,
    )
    assert "sua-noi-dung.csv" in entry.comment


def test_an_officer_cannot_import_another_provinces_recommendation(client, officer_qn):
    client.force_login(grant(officer_qn, "import_recommendation"))
    text = "key,province,text,theme\n2025-bac-ninh-kn-01,22,Chuyển sang Quảng Ninh.,budget\n"
    response = import_csv(client, Recommendation, text)
    assert "confirm_form" not in response.context
    [row] = response.context["result"].invalid_rows
    assert "Bạn chỉ được nhập dữ liệu của Quảng Ninh." in str(row.error_dict)
    assert Recommendation.objects.get(key="2025-bac-ninh-kn-01").province.code == "24"


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
    assert client.get(_url(Recommendation, "import")).status_code == 403


def test_semicolon_csv_with_bom_reads_like_comma_csv():
    semicolon = "\ufeffa;b\r\n1;x,y\r\n".encode()
    comma = b'a,b\r\n1,"x,y"\r\n\r\n\r\n'
    for data in (semicolon, comma):
        dataset = CSV(encoding="utf-8-sig").create_dataset(data)
        assert dataset.headers == ["a", "b"]
        assert list(dataset) == [("1", "x,y")]
