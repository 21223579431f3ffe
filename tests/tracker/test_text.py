import unicodedata

import pytest

from provinces.models import Province
from recommendations.models import Recommendation
from surveys.models import Finding
from tracker.text import FOLD_TABLE, fold, fold_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanh Hóa", "thanh hoa"),
        ("ĐÀO TẠO", "dao tao"),
        ("đào tạo", "dao tao"),
        ("Đắk Lắk", "dak lak"),
        ("Quảng Ninh", "quang ninh"),
        ("Hồ Chí Minh", "ho chi minh"),
        ("ỨNG DỤNG", "ung dung"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_vietnamese_marks_and_case(text, expected):
    assert fold(text) == expected


def test_fold_composes_decomposed_text_first():
    assert fold(unicodedata.normalize("NFD", "Thanh Hóa")) == "thanh hoa"


def test_fold_table_covers_every_vietnamese_letter_in_both_cases():
    # 67 lower-case letters with marks (17 a, 11 e, 5 i, 17 o, 11 u, 5 y, đ) and their capitals.
    assert len(FOLD_TABLE) == 134
    assert set(FOLD_TABLE.values()) == set("aeiouyd")


def test_fold_query_trims_and_collapses_spaces():
    assert fold_query("  Thanh   HÓA ") == "thanh hoa"


@pytest.mark.django_db
def test_generated_columns_agree_with_python_fold():
    """The database's folded columns (SQL on PostgreSQL, the registered function on SQLite)
    equal the Python fold for every seeded text, so a folded term always matches."""
    for name, search_name in Province.objects.values_list("name", "search_name"):
        assert search_name == fold(name)
    for text, search_text in Recommendation.objects.values_list("text", "search_text"):
        assert search_text == fold(text)
    for text, search_text in Finding.objects.values_list("description", "search_text"):
        assert search_text == fold(text)


@pytest.mark.django_db
def test_generated_column_follows_updates():
    province = Province.objects.get(code="38")
    province.name = "THANH HÓA"
    province.save()
    province.refresh_from_db()
    assert province.search_name == "thanh hoa"
