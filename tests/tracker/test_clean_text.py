"""Text enters clean (tracker.text.clean_text): NFC, no zero-width characters, soft hyphens or
control characters – through the model, a page's form, the admin and the import command – and
is found by a search without marks, on SQLite and on PostgreSQL alike (run with DATABASE_URL)."""

import unicodedata
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from provinces.models import Province
from recommendations.models import Recommendation, Status
from surveys.models import Finding, MinistryUnit
from tracker.bulk import bulk_update
from tracker.operations import clean_stored_text
from tracker.text import clean_text, fold, fold_query

ZW = "\u200b"  # zero-width space
SHY = "\u00ad"  # soft hyphen
NFD_DAO_TAO = unicodedata.normalize("NFD", "đào tạo")
#: "đào tạo" as Unikey's "Unicode tổ hợp" types it, with invisible characters pasted in.
DIRTY = f"Cán bộ chưa được {NFD_DAO_TAO[:2]}{ZW}{NFD_DAO_TAO[2:]} kỹ{SHY}năng\u2060 số\ufeff."
CLEAN = "Cán bộ chưa được đào tạo kỹnăng số."


def is_clean(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text) and not set(text) & {
        ZW,
        SHY,
        "\u2060",
        "\ufeff",
        "\x00",
    }


# --- the function ------------------------------------------------------------------------------


def test_the_dirty_sample_really_is_decomposed():
    assert NFD_DAO_TAO != "đào tạo" and fold(NFD_DAO_TAO) == "dao tao"
    assert not is_clean(DIRTY)


@pytest.mark.parametrize(
    ("value", "multiline", "expected"),
    [
        (DIRTY, True, CLEAN),
        (unicodedata.normalize("NFD", "Thanh Hóa"), False, "Thanh Hóa"),
        ("a\x00b", True, "ab"),
        ("dòng 1\r\ndòng 2\rdòng 3\u2028dòng 4", True, "dòng 1\ndòng 2\ndòng 3\ndòng 4"),
        ("cột\tmột\ndòng", True, "cột\tmột\ndòng"),
        ("Tên\r\ncơ quan\tmới", False, "Tên cơ quan mới"),
        ("\x07chuông\x1b\x7f\x9b", True, "chuông"),
        ("\u202eđảo\u200e", True, "đảo"),
        ("plain ascii", True, "plain ascii"),
        ("", True, ""),
        (None, True, None),
        (42, True, 42),
    ],
)
def test_clean_text(value, multiline, expected):
    assert clean_text(value, multiline=multiline) == expected


def test_a_mark_behind_an_invisible_character_still_joins_its_letter():
    assert clean_text(f"a{ZW}\u0300") == "à"
    assert fold(f"Đa{ZW}\u0300o") == "dao"


def test_search_terms_are_cleaned_and_folded_the_same_way():
    assert fold_query(f"  {NFD_DAO_TAO.upper()}{SHY} ") == "dao tao"


# --- every way in ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_model_save_stores_clean_text_and_search_finds_it():
    finding = Finding.objects.filter(province__code="22").first()
    finding.description = DIRTY
    finding.save()
    finding.refresh_from_db()
    assert finding.description == CLEAN
    assert finding.search_text == fold(CLEAN)
    assert finding in Finding.objects.search("dao tao ky")
    assert finding in Finding.objects.search(NFD_DAO_TAO)


@pytest.mark.django_db
def test_one_line_fields_lose_their_line_breaks():
    unit = MinistryUnit.objects.get(name="Cục Viễn thông")
    unit.english_name = "Telecoms\r\nAuthority\x00"
    unit.save()
    unit.refresh_from_db()
    assert unit.english_name == "Telecoms Authority"


@pytest.mark.django_db
def test_the_bulk_writer_of_imports_cleans_too():
    recommendation = Recommendation.objects.first()
    recommendation.text = DIRTY
    bulk_update([recommendation], ["text"])
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.text == CLEAN
    assert Recommendation.objects.search("dao tao kynang").filter(pk=stored.pk).exists()


@pytest.mark.django_db
def test_a_page_form_stores_clean_text(staff_client):
    recommendation = Recommendation.objects.get(key="2025-quang-ninh-kn-01")
    response = staff_client.post(
        reverse("recommendations:move", args=[recommendation.pk]),
        {
            "move-status": Status.RESOLVED,
            "move-resolution_note": DIRTY,
            "move-comment": f"Đã {NFD_DAO_TAO}{ZW}.",
            "move-no_document_reason": "Trả lời trực tiếp tại buổi làm việc.",
            "move-version": recommendation.version,
        },
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.resolution_note == CLEAN
    # The comment comes first; the reason there is no reply document follows it.
    assert recommendation.history.latest("changed_at").comment.startswith("Đã đào tạo.\n")


@pytest.mark.django_db
def test_the_list_search_takes_a_decomposed_term(staff_client):
    response = staff_client.get(reverse("recommendations:list"), {"q": NFD_DAO_TAO + ZW})
    found = response.context["object_list"]
    assert len(found) and all("đào tạo" in r.text.lower() for r in found)


@pytest.mark.django_db
def test_the_admin_stores_clean_text_and_its_search_finds_it(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:surveys_ministryunit_add"),
        {
            "name": f"Vụ {NFD_DAO_TAO}{SHY} {ZW}mới",
            "kind": "department",
            "english_name": "",
            # The members inline (surveys.admin.UnitMembershipInline), empty.
            "unitmembership_set-TOTAL_FORMS": "0",
            "unitmembership_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = MinistryUnit.objects.get(name="Vụ đào tạo mới")
    assert unit.search_name == "vu dao tao moi"
    response = client.get(reverse("admin:surveys_ministryunit_changelist"), {"q": "dao tao moi"})
    assert list(response.context["cl"].result_list) == [unit]


@pytest.mark.django_db
def test_the_admin_refuses_a_name_that_is_a_duplicate_once_cleaned(client, admin_user):
    """Cleaned before validation: a zero-width space does not make a second "Cục Viễn thông"
    (which would have passed the unique check and failed in the database)."""
    client.force_login(admin_user)
    name = unicodedata.normalize("NFD", "Cục Viễn thông") + ZW
    response = client.post(
        reverse("admin:surveys_ministryunit_add"),
        {"name": name, "kind": "department", "english_name": ""},
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert MinistryUnit.objects.filter(name="Cục Viễn thông").count() == 1


@pytest.mark.django_db
def test_the_import_command_stores_clean_text(tmp_path):
    header = (
        "Mã dòng,Đợt khảo sát,Đoàn,Tỉnh/thành phố,Ngày làm việc,Loại,Lĩnh vực,Chủ đề,Nội dung,"
        "Kiến nghị tới,Đơn vị chủ trì,Hạn xử lý,Chỉ tiêu,Mức,Số liệu,Đơn vị tính,Trạng thái,"
        "Ghi chú trạng thái"
    )
    province = unicodedata.normalize("NFD", "Quảng Ninh") + ZW
    row = f'nfd-qn-01,,2,{province},14/08/2025,khó khăn,,nhân lực,"{DIRTY}",,,,,,,,,'
    path = tmp_path / "nfd.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    call_command("import_visit_notes", str(path), stdout=StringIO())
    finding = Finding.objects.get(key="nfd-qn-01")
    assert finding.description == CLEAN
    assert finding.province == Province.objects.get(code="22")
    assert Finding.objects.search("dao tao kynang").filter(pk=finding.pk).exists()


# --- what is already stored, and what is written outside Django ---------------------------------


def _write_raw(finding, text):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE surveys_finding SET description = %s WHERE id = %s", [text, finding.pk]
        )


@pytest.mark.django_db
def test_the_search_column_folds_decomposed_text_written_outside_django():
    """PostgreSQL's generated column composes and drops invisible characters itself
    (normalize() inside the expression); SQLite's calls the Python fold."""
    finding = Finding.objects.first()
    _write_raw(finding, DIRTY)
    finding.refresh_from_db()
    assert finding.description == DIRTY
    assert finding.search_text == fold(CLEAN)
    assert Finding.objects.search("dao tao").filter(pk=finding.pk).exists()


@pytest.mark.django_db
def test_the_data_migration_cleans_what_is_stored():
    finding, other = Finding.objects.all()[:2]
    _write_raw(finding, DIRTY)
    untouched = other.updated_at
    clean_stored_text("surveys")(django_apps, None)
    finding.refresh_from_db()
    other.refresh_from_db()
    assert finding.description == CLEAN
    assert other.updated_at == untouched
