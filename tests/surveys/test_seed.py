"""The loaded seed, checked against the two source reports.

The expectations below are written from the reports themselves (shared/seeds/000_… and 001_…),
not from the fixtures: a fixture that drops or misplaces a row fails here.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command

from provinces.models import FormerProvince, Province
from recommendations.models import Authority, Recommendation, StatusChange
from surveys.models import Delegation, Field, Finding, MinistryUnit, SourceReport, Survey, Visit
from tracker.text import fold

pytestmark = pytest.mark.django_db

REPORT_A = "000_4abb77ac13d4e4b0.txt"  # the article on the visits (Quảng Ninh … Bắc Ninh)
REPORT_B = "001_1db476fae5946f7b.txt"  # the press conference of 4 September 2025

# Itemised recommendations per province code, as the report lists them.
ITEMISED = {
    "22": [  # Quảng Ninh: 6 of its 11
        "Ban hành quy định thống nhất cơ cấu Sở KH&CN trên cả nước",
        "Bổ sung vị trí chuyên trách về KH&CN, đổi mới sáng tạo và chuyển đổi số ở địa phương",
        "Hướng dẫn lập dự toán ngân sách năm 2026",
        "Ban hành Nghị định mới về hoạt động Quỹ phát triển KH&CN",
        "Cho phép địa phương công bố danh mục thủ tục hành chính trực tuyến toàn trình",
        "Xây dựng phần mềm thống kê tự động theo dõi, đánh giá chỉ tiêu",
    ],
    "52": [  # Gia Lai
        "rà soát, báo cáo cụ thể theo từng lĩnh vực",
        "tham mưu cho UBND tỉnh những giải pháp tháo gỡ khó khăn",
        "đào tạo nhân lực số và phát huy hiệu quả của Tổ công nghệ số cộng đồng",
    ],
    "66": [  # Đắk Lắk
        "đào tạo, bồi dưỡng nguồn nhân lực công nghệ thông tin",
        "đánh giá các hạng mục đầu tư trang thiết bị",
    ],
    "31": [  # Hải Phòng
        'thời gian giải quyết tính theo "ngày làm việc"',
        "mức tiền phạt tối đa trong lĩnh vực tiêu chuẩn, đo lường, chất lượng",
        "hội nghị tập huấn trực tuyến, bồi dưỡng nghiệp vụ cho cán bộ cấp xã",
        "cử chuyên gia hỗ trợ địa phương trong công tác thẩm định",
    ],
    "38": [  # Thanh Hóa
        "biên chế, vị trí việc làm đối với cán bộ quản lý, vận hành các hệ thống thông tin",
        "Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001",
    ],
    "24": [  # Bắc Ninh
        "Tham mưu Chính phủ sớm ban hành văn bản hướng dẫn chi tiết",
        "Hỗ trợ tỉnh đào tạo, tập huấn cán bộ cấp tỉnh, xã",
    ],
}

# (obstacles, achievements) per province code; None is the press conference's nationwide list.
FINDING_COUNTS = {
    "22": (10, 1),
    "66": (6, 1),
    "24": (5, 0),
    "38": (7, 3),
    None: (10, 11),
}

# Every figure the reports give: (province code, value, unit, qualifier, words of the finding).
FIGURES = [
    ("22", "98.8", "%", "exact", "phi địa giới hành chính"),
    ("38", "99.99", "%", "exact", "trung tâm cấp tỉnh"),
    ("38", "98.83", "%", "exact", "cấp xã"),
    ("38", "9", "địa phương", "exact", "sớm hoàn thành"),
    ("66", "102", "xã/phường", "exact", "chuyên trách công nghệ thông tin"),
    ("66", "0", "trường hợp", "exact", "không có trường hợp quá hạn"),
    (None, "97", "%", "over", "đo lường chất lượng"),
    (None, "80", "%", "over", "trực tuyến"),
    (None, "90", "%", "over", "số hóa hồ sơ"),
    (None, "100", "%", "exact", "máy tính"),
]


def test_reference_data_is_complete():
    assert Province.objects.count() == 34
    assert sum(p.commune_level_units for p in Province.objects.all()) == 3321
    assert Province.objects.filter(kind=Province.Kind.CITY).count() == 6
    hai_phong = Province.objects.get(code="31")
    assert (hai_phong.wards, hai_phong.communes, hai_phong.special_zones) == (45, 67, 2)
    assert FormerProvince.objects.get(name="Hải Dương").province == hai_phong
    assert FormerProvince.objects.get(name="Bắc Giang").province.name == "Bắc Ninh"
    assert MinistryUnit.objects.count() == 24
    assert Field.objects.count() == 9
    assert Field.objects.filter(has_procedures=True).count() == 7
    assert set(Authority.objects.values_list("code", flat=True)) == {"most", "moha", "government"}


def test_campaign_matches_the_press_conference():
    survey = Survey.objects.get()
    assert (survey.start_date.isoformat(), survey.end_date.isoformat()) == (
        "2025-08-12",
        "2025-08-29",
    )
    assert survey.provinces.count() == 34
    assert list(survey.delegations.values_list("number", flat=True)) == list(range(1, 13))
    assert survey.source.file_name == REPORT_B


@pytest.mark.parametrize(
    ("name", "title_words", "unit", "province_code"),
    [
        ("Bùi Hoàng Phương", "Thứ trưởng", None, "01"),
        ("Cao Huy Long", "Phó Vụ trưởng Vụ Tổ chức cán bộ", "Vụ Tổ chức cán bộ", "22"),
        ("Nguyễn Thành Chung", "Cục trưởng Cục Viễn thông", "Cục Viễn thông", "38"),
    ],
)
def test_each_named_head_leads_the_delegation_to_their_province(
    name, title_words, unit, province_code
):
    delegation = Delegation.objects.get(head_name=name)
    assert title_words in delegation.head_title
    assert (delegation.home_unit.name if delegation.home_unit else None) == unit
    assert list(delegation.visits.values_list("province__code", flat=True)) == [province_code]


def test_heads_the_reports_do_not_name_stay_blank():
    assert Delegation.objects.exclude(head_name="").count() == 3
    assert Delegation.objects.filter(head_name="", head_title="").count() == 9


def test_visits_are_those_the_reports_mention():
    codes = set(Visit.objects.values_list("province__code", flat=True))
    # Hà Nội, Quảng Ninh, Đắk Lắk, Bắc Ninh, Thanh Hóa, Gia Lai, Hải Phòng, Quảng Trị.
    assert codes == {"01", "22", "66", "24", "38", "52", "31", "44"}
    quang_tri = Visit.objects.get(province__code="44")
    assert "Trung tâm phục vụ hành chính công tỉnh Quảng Trị" in quang_tri.places
    assert quang_tri.source.file_name == REPORT_B


def test_quang_ninh_made_eleven_recommendations_of_which_six_are_itemised():
    visit = Visit.objects.get(province__code="22")
    assert visit.recommendations_reported == 11
    assert visit.recommendations.count() == 6


@pytest.mark.parametrize("code", sorted(ITEMISED))
def test_every_itemised_recommendation_is_seeded_on_its_province(code):
    texts = list(Recommendation.objects.filter(province__code=code).values_list("text", flat=True))
    assert len(texts) == len(ITEMISED[code])
    for words in ITEMISED[code]:
        assert sum(fold(words) in fold(text) for text in texts) == 1, words


def test_recommendations_cite_the_visit_report_and_its_visit():
    assert Recommendation.objects.count() == 19
    for recommendation in Recommendation.objects.select_related("visit", "source"):
        assert recommendation.source.file_name == REPORT_A
        assert recommendation.visit.province_id == recommendation.province_id


def test_addressees_follow_the_report():
    thanh_hoa_staffing = Recommendation.objects.get(province__code="38", text__contains="biên chế")
    assert set(thanh_hoa_staffing.addressed_to.values_list("code", flat=True)) == {"moha", "most"}
    bac_ninh_guidance = Recommendation.objects.get(province__code="24", text__contains="Chính phủ")
    assert set(bac_ninh_guidance.addressed_to.values_list("code", flat=True)) == {
        "most",
        "government",
    }


def test_seeded_recommendations_start_reported_to_the_leadership_with_their_history():
    """The delegations compiled what they could not answer and reported it to the ministry's
    leadership; every seeded recommendation starts there, with that step in its history."""
    assert set(Recommendation.objects.values_list("status", flat=True)) == {"reported"}
    for recommendation in Recommendation.objects.all():
        steps = list(recommendation.history.values_list("from_status", "to_status"))
        assert steps == [("", "new"), ("new", "reported")]
    assert StatusChange.objects.count() == 38


@pytest.mark.parametrize(("code", "counts"), FINDING_COUNTS.items())
def test_findings_per_province(code, counts):
    findings = Finding.objects.filter(province__code=code) if code else Finding.objects.nationwide()
    assert (findings.obstacles().count(), findings.achievements().count()) == counts


def test_findings_cite_their_report():
    assert set(Finding.objects.nationwide().values_list("source__file_name", flat=True)) == {
        REPORT_B
    }
    assert set(
        Finding.objects.exclude(province=None).values_list("source__file_name", flat=True)
    ) == {REPORT_A}
    for finding in Finding.objects.exclude(visit=None).select_related("visit"):
        assert finding.visit.province_id == finding.province_id


@pytest.mark.parametrize(("code", "value", "unit", "qualifier", "words"), FIGURES)
def test_every_figure_is_stored_as_a_number(code, value, unit, qualifier, words):
    scope = Finding.objects.filter(province__code=code) if code else Finding.objects.nationwide()
    finding = scope.get(figure_value=Decimal(value), figure_unit=unit)
    assert finding.figure_qualifier == qualifier
    assert fold(words) in fold(finding.description)


def test_obstacles_answered_link_within_the_province():
    fund = Recommendation.objects.get(province__code="22", text__contains="Quỹ phát triển")
    assert [o.description for o in fund.obstacles.all()] == [
        "Quỹ phát triển KH&CN chưa có quy định hoạt động mới phù hợp."
    ]
    for recommendation in Recommendation.objects.prefetch_related("obstacles"):
        for obstacle in recommendation.obstacles.all():
            assert obstacle.kind == Finding.Kind.OBSTACLE
            assert obstacle.province_id == recommendation.province_id


SEEDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the source reports are not beside the clone")
def test_recommendation_texts_are_the_reports_words():
    """Each seeded recommendation is written as in its report (case and final stop aside)."""
    reports = {path.name: fold(path.read_text(encoding="utf-8")) for path in SEEDS_DIR.iterdir()}
    for recommendation in Recommendation.objects.select_related("source"):
        words = fold(recommendation.text).rstrip(".…")
        assert words in reports[recommendation.source.file_name], recommendation.key


SEEDED_MODELS = [
    Province,
    FormerProvince,
    MinistryUnit,
    Field,
    Authority,
    SourceReport,
    Survey,
    Delegation,
    Visit,
    Finding,
    Recommendation,
    StatusChange,
]


def _snapshot():
    return {
        model._meta.label: json.loads(serializers.serialize("json", model.objects.order_by("pk")))
        for model in SEEDED_MODELS
    }


def test_loading_the_seed_twice_gives_the_same_database():
    before = _snapshot()
    call_command("load_seed", "--reload", verbosity=0)
    call_command("load_seed", "--reload", verbosity=0)
    assert _snapshot() == before


def test_load_seed_leaves_work_on_seeded_rows_alone_unless_asked():
    recommendation = Recommendation.objects.get(key="2025-hai-phong-kn-01")
    Recommendation.objects.filter(pk=recommendation.pk).update(priority=40)
    call_command("load_seed", verbosity=0)
    assert Recommendation.objects.get(pk=recommendation.pk).priority == 40
    call_command("load_seed", "--reload", verbosity=0)
    assert Recommendation.objects.get(pk=recommendation.pk).priority == 20
