"""Issue 12: similar recommendations, groups, and one answer for many."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from recommendations.groups import group_add_members, group_answer, group_create, group_progress
from recommendations.models import (
    CLOSED_STATUSES,
    Recommendation,
    RecommendationGroup,
    ReplyDocument,
    Status,
    StatusChange,
)
from recommendations.similarity import similar_existing, similar_to
from surveys.models import MinistryUnit

pytestmark = pytest.mark.django_db

TRAINING = ["2025-hai-phong-kn-03", "2025-bac-ninh-kn-02", "2025-dak-lak-kn-01"]
FUND = ["2025-quang-ninh-kn-04", "2025-bac-ninh-kn-01"]


def _rec(key):
    return Recommendation.objects.get(key=key)


def _similar_keys(key):
    return [item.recommendation.key for item in similar_to(_rec(key))]


# --- similar recommendations ----------------------------------------------------------------


@pytest.mark.parametrize("pair", [TRAINING, FUND], ids=["training", "fund"])
def test_the_seeded_recommendations_that_ask_the_same_find_each_other(pair):
    # Runs on SQLite and, with DATABASE_URL set, on PostgreSQL (trigram candidates).
    for key in pair:
        found = _similar_keys(key)
        assert len(found) <= 5
        assert set(pair) - {key} <= set(found), (key, found)


def test_similar_shows_only_other_provinces_open_ones():
    for item in similar_to(_rec("2025-bac-ninh-kn-02")):
        assert item.recommendation.province.code != "24"
        assert item.recommendation.status not in CLOSED_STATUSES
        assert 0 < item.score <= 100
    # A closed one of another province drops out.
    Recommendation.objects.filter(key="2025-hai-phong-kn-03").update(
        status=Status.RESOLVED, resolution_note="Đã tổ chức."
    )
    assert "2025-hai-phong-kn-03" not in _similar_keys("2025-bac-ninh-kn-02")


def test_administrative_words_alone_do_not_make_recommendations_similar():
    from recommendations.similarity import score, units

    a = units("Đề nghị Bộ sớm ban hành văn bản hướng dẫn cho tỉnh về an toàn bức xạ.")
    b = units("Đề nghị Bộ sớm ban hành văn bản hướng dẫn cho tỉnh về sở hữu trí tuệ.")
    c = units("Hướng dẫn về an toàn bức xạ trong y tế.")
    assert score(a, c) > score(a, b)


def test_the_detail_page_lists_them_in_the_similar_section(staff_client):
    response = staff_client.get(_rec("2025-quang-ninh-kn-04").get_absolute_url())
    page = response.content.decode()
    section = page[page.index('id="similar"') :]
    other = _rec("2025-bac-ninh-kn-01")
    assert other.get_absolute_url() in section
    assert "Bắc Ninh" in section and "độ tương tự" in section


def test_the_import_preview_hook_flags_a_new_text_like_an_existing_one():
    found = similar_existing(
        "Tập huấn, bồi dưỡng nghiệp vụ cho cán bộ cấp xã về chuyển đổi số", limit=3
    )
    assert {item.recommendation.key for item in found} & set(TRAINING)


# --- groups -----------------------------------------------------------------------------------


def _five(ministry_user):
    """Five recommendations of five provinces, answered together."""
    keys = [
        "2025-hai-phong-kn-03",
        "2025-bac-ninh-kn-02",
        "2025-dak-lak-kn-01",
        "2025-gia-lai-kn-03",
        "2025-quang-ninh-kn-01",
    ]
    members = [_rec(key) for key in keys]
    group = group_create(
        by=ministry_user,
        title="Đào tạo, bồi dưỡng cán bộ cấp xã",
        lead_unit=MinistryUnit.objects.get(name="Vụ Pháp chế"),
        members=members,
    )
    return group, keys


def test_one_answer_to_five_writes_five_entries_citing_one_document_and_refuses_the_rest(
    ministry_user, mailoutbox, django_capture_on_commit_callbacks
):
    group, keys = _five(ministry_user)
    # One member is already closed: the lifecycle forbids "resolved" → "resolved".
    Recommendation.objects.filter(key=keys[4]).update(
        status=Status.RESOLVED, resolution_note="Đã trả lời."
    )
    document = ReplyDocument.objects.create(number="1234/BKHCN-TCCB")
    before = StatusChange.objects.count()
    members = list(group.members.order_by("pk"))
    with django_capture_on_commit_callbacks(execute=True):
        result = group_answer(
            group=group,
            by=ministry_user,
            recommendations=members,
            target_status=Status.RESOLVED,
            comment="Bộ trả lời chung bằng Công văn 1234/BKHCN-TCCB.",
            resolution_note="Bộ sẽ mở lớp tập huấn trực tuyến cho cán bộ cấp xã.",
            document=document,
        )
    assert len(result.moved) == 4
    assert [r.key for r, _reason in result.refused] == [keys[4]]
    assert "không thể chuyển sang" in result.refused[0][1]
    entries = StatusChange.objects.filter(pk__gt=0).order_by("-id")[:4]
    assert StatusChange.objects.count() == before + 4
    for entry in entries:
        assert entry.to_status == Status.RESOLVED
        assert list(entry.documents.all()) == [document]
        assert entry.changed_by == ministry_user
    assert set(document.recommendations.values_list("key", flat=True)) == set(keys[:4])
    assert group_progress(group) == {"total": 5, "closed": 5, "percent": 100}


def test_answering_all_five_writes_five_entries(ministry_user):
    group, _keys = _five(ministry_user)
    document = ReplyDocument.objects.create(number="99/BKHCN-PC")
    result = group_answer(
        group=group,
        by=ministry_user,
        recommendations=list(group.members.all()),
        target_status=Status.RESOLVED,
        comment="Trả lời chung.",
        resolution_note="Đã hướng dẫn.",
        document=document,
    )
    assert len(result.moved) == 5 and not result.refused
    assert StatusChange.objects.filter(documents=document).count() == 5
    assert len({entry.recommendation_id for entry in document.status_changes.all()}) == 5


def test_a_member_the_lifecycle_forbids_is_left_as_it_was(ministry_user):
    group, keys = _five(ministry_user)
    # "new" cannot become "in progress": a forbidden move, refused with the reason.
    Recommendation.objects.filter(key=keys[0]).update(status=Status.NEW)
    document = ReplyDocument.objects.create(number="7/BKHCN")
    result = group_answer(
        group=group,
        by=ministry_user,
        recommendations=list(group.members.all()),
        target_status=Status.IN_PROGRESS,
        comment="Đang xử lý.",
        document=document,
    )
    refused = {r.key: reason for r, reason in result.refused}
    assert keys[0] in refused and "không thể chuyển" in refused[keys[0]].lower()
    assert _rec(keys[0]).status == Status.NEW


def test_a_recommendation_is_in_at_most_one_group(ministry_user):
    group, keys = _five(ministry_user)
    other = group_create(by=ministry_user, title="Nhóm khác")
    with pytest.raises(ValidationError):
        group_add_members(group=other, by=ministry_user, recommendations=[_rec(keys[0])])
    assert _rec(keys[0]).group == group


def test_officers_cannot_group_or_answer(client, officer_qn, ministry_user):
    with pytest.raises(PermissionDenied):
        group_create(by=officer_qn, title="Nhóm", members=[_rec("2025-quang-ninh-kn-01")])
    group, _keys = _five(ministry_user)
    client.force_login(officer_qn)
    before = [(r.status, r.version) for r in group.members.order_by("pk")]
    url = reverse("recommendations:group_answer", args=[group.pk])
    members = [r.pk for r in group.members.all()]
    response = client.post(
        url, {"members": members, "status": "not_accepted", "resolution_note": "Không."}
    )
    assert response.status_code == 403
    assert [(r.status, r.version) for r in group.members.order_by("pk")] == before
    response = client.post(reverse("recommendations:group_from_suggestions", args=[members[0]]))
    assert response.status_code == 403
    assert RecommendationGroup.objects.count() == 1


def test_the_group_page_answers_and_reports(staff_client, ministry_user):
    group, keys = _five(ministry_user)
    Recommendation.objects.filter(key=keys[4]).update(
        status=Status.RESOLVED, resolution_note="Đã trả lời."
    )
    document = ReplyDocument.objects.create(number="1234/BKHCN-TCCB")
    page = staff_client.get(group.get_absolute_url()).content.decode()
    assert "Đã đóng 1/5 (20%)" in page
    open_ids = [r.pk for r in group.members.exclude(key=keys[4])]
    Recommendation.objects.filter(key=keys[0]).update(status=Status.NEW)
    response = staff_client.post(
        reverse("recommendations:group_answer", args=[group.pk]),
        {
            "members": open_ids,
            "status": "resolved",
            "comment": "Trả lời chung.",
            "resolution_note": "Đã hướng dẫn.",
            "document": document.pk,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Đã chuyển 3 kiến nghị" in page
    assert "Không thay đổi" in page  # the refused one, with its reason
    assert "Đã đóng 4/5 (80%)" in page
    assert "1234/BKHCN-TCCB" in page


def test_group_from_suggestions_and_from_the_list_selection(staff_client):
    source = _rec("2025-bac-ninh-kn-02")
    response = staff_client.post(
        reverse("recommendations:group_from_suggestions", args=[source.pk])
    )
    group = RecommendationGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert {"2025-bac-ninh-kn-02", "2025-hai-phong-kn-03"} <= set(
        group.members.values_list("key", flat=True)
    )
    ids = [_rec(key).pk for key in FUND]
    response = staff_client.post(
        reverse("recommendations:group_from_selection"),
        {"ids": ids, "group_title": "Quỹ phát triển KH&CN"},
    )
    fund = RecommendationGroup.objects.get(title="Quỹ phát triển KH&CN")
    assert set(fund.members.values_list("key", flat=True)) == set(FUND)
    # The list shows the group and filters by it.
    page = staff_client.get(reverse("recommendations:list"), {"group": fund.pk}).content
    assert page.decode().count('class="row-link"') == 2


def test_the_import_preview_flags_a_new_recommendation_like_an_existing_one():
    from recommendations.imports import COLUMNS, import_visit_notes
    from tracker.spreadsheets import Table

    headers = [column.header for column in COLUMNS]
    cells = dict.fromkeys(headers, "")
    cells.update(
        {
            "Mã dòng": "thu-nb-kn-09",
            "Tỉnh/thành phố": "Ninh Bình",
            "Ngày làm việc": "14/08/2025",
            "Loại": "kiến nghị",
            "Chủ đề": "nhân lực",
            "Nội dung": "Tổ chức tập huấn, bồi dưỡng nghiệp vụ cho cán bộ cấp xã.",
        }
    )
    report = import_visit_notes(
        table=Table.from_rows(headers, [[cells[header] for header in headers]]),
        user=None,
        file_name="x.csv",
        dry_run=True,
    )
    assert report.ok, report.errors
    notes = " ".join(report.similar_notes)
    assert f"số {_rec('2025-hai-phong-kn-03').pk} của Hải Phòng" in notes


@pytest.mark.parametrize("size", [2, 5])
def test_group_pages_query_counts_do_not_depend_on_the_members(
    staff_client, ministry_user, django_assert_num_queries, size
):
    keys = list(Recommendation.objects.order_by("pk").values_list("key", flat=True)[:size])
    group = group_create(by=ministry_user, title="Nhóm", members=[_rec(k) for k in keys])
    staff_client.get(group.get_absolute_url())
    # session, user, roles, the group, its members, progress, documents, and the answer
    # form's document choices
    with django_assert_num_queries(8):
        staff_client.get(group.get_absolute_url())
    # session, user, the groups with their counts
    with django_assert_num_queries(3):
        staff_client.get(reverse("recommendations:groups"))
    # session, user, roles, the documents with their counts
    ReplyDocument.objects.create(number="1/BKHCN")
    with django_assert_num_queries(4):
        staff_client.get(reverse("recommendations:documents"))


def test_the_admin_lists_documents_files_and_groups(client, admin_user, ministry_user):
    group, _keys = _five(ministry_user)
    ReplyDocument.objects.create(number="5/BKHCN")
    client.force_login(admin_user)
    for name in ("replydocument", "documentfile", "recommendationgroup", "recommendation"):
        response = client.get(reverse(f"admin:recommendations_{name}_changelist"))
        assert response.status_code == 200, name
    response = client.get(
        reverse("admin:recommendations_recommendationgroup_change", args=[group.pk])
    )
    assert response.status_code == 200
    response = client.get(
        reverse("admin:recommendations_recommendation_changelist"), {"group__id__exact": group.pk}
    )
    assert response.context["cl"].result_count == 5
