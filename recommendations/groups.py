"""Groups of recommendations of the same content (nhóm kiến nghị cùng nội dung): gathered by
ministry staff, answered once, each member still moved through its own services.

Services (keyword-only, ``<entity>_<action>``): ``group_create``, ``group_add_members``,
``group_remove_member``, ``group_answer``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from . import access
from .models import CLOSED_STATUSES, Recommendation, RecommendationGroup, ReplyDocument
from .public import bump_on_commit
from .services import StaleRecommendation, recommendation_transition, refusal_messages


def _check_staff(by) -> None:
    if by is not None and not access.is_ministry_staff(by):
        raise PermissionDenied(_("Only ministry staff group recommendations."))


def group_create(*, by, title: str, lead_unit=None, members=()) -> RecommendationGroup:
    """A new group with ``members`` (recommendations in no other group)."""
    _check_staff(by)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the group a title.")})
    with transaction.atomic():
        group = RecommendationGroup(title=title, lead_unit=lead_unit, created_by=by)
        group.full_clean()
        group.save()
        if members:
            group_add_members(group=group, by=by, recommendations=members)
    return group


def group_add_members(*, group: RecommendationGroup, by, recommendations) -> int:
    """Put ``recommendations`` in ``group``. One already in another group is refused – a
    recommendation is in at most one group; move it out of that one first."""
    _check_staff(by)
    ids = {recommendation.pk for recommendation in recommendations}
    with transaction.atomic():
        rows = list(Recommendation.objects.select_for_update().filter(pk__in=ids))
        elsewhere = [r for r in rows if r.group_id not in (None, group.pk)]
        if elsewhere:
            raise ValidationError(
                _("Already in another group: %(list)s. Take them out of it first.")
                % {"list": "; ".join(f"#{r.pk} ({r.group})" for r in elsewhere)},
                code="in_another_group",
            )
        # Grouping is not a change of the recommendation's content: no version raise, no
        # history entry; the group page and the list show it. An UPDATE sends no signal: the
        # cached pages that show a recommendation's group are told here.
        bump_on_commit()
        return Recommendation.objects.filter(pk__in=ids).update(group=group)


def group_remove_member(*, group: RecommendationGroup, by, recommendation) -> None:
    _check_staff(by)
    Recommendation.objects.filter(pk=recommendation.pk, group=group).update(group=None)
    bump_on_commit()  # see group_add_members


@dataclass
class GroupAnswer:
    """What one answer did: who moved, who was refused and why."""

    moved: list[Recommendation] = field(default_factory=list)
    refused: list[tuple[Recommendation, str]] = field(default_factory=list)


def group_answer(
    *,
    group: RecommendationGroup,
    by,
    recommendations,
    target_status: str,
    comment: str = "",
    resolution_note: str | None = None,
    document: ReplyDocument | None = None,
    no_document_reason: str = "",
) -> GroupAnswer:
    """Apply one decision to the ticked members: each goes through ``recommendation_transition``
    on its own (own lock, lifecycle and permission check, history entry citing ``document``,
    notification); one the lifecycle or the rules refuse is left as it was and reported."""
    _check_staff(by)
    result = GroupAnswer()
    documents = [document] if document is not None else []
    for recommendation in recommendations:
        if recommendation.group_id != group.pk:
            result.refused.append((recommendation, _("Not a member of this group.")))
            continue
        try:
            with transaction.atomic():
                moved = recommendation_transition(
                    recommendation=recommendation,
                    to_status=target_status,
                    by=by,
                    comment=comment,
                    resolution_note=resolution_note,
                    documents=documents,
                    no_document_reason=no_document_reason,
                )
        except StaleRecommendation as error:
            result.refused.append((recommendation, " ".join(error.messages)))
        except (ValidationError, PermissionDenied) as error:
            result.refused.append((recommendation, " ".join(refusal_messages(error))))
        else:
            result.moved.append(moved)
    return result


def group_progress(group: RecommendationGroup) -> dict:
    """Closed / all, computed from the members (never typed)."""
    counts = Recommendation.objects.filter(group=group).aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(status__in=CLOSED_STATUSES))
    )
    total, closed = counts["total"], counts["closed"]
    return {
        "total": total,
        "closed": closed,
        "percent": round(100 * closed / total) if total else 0,
    }


def group_documents(group: RecommendationGroup):
    """The reply documents that answered the group's members."""
    return (
        ReplyDocument.objects.filter(recommendations__group=group)
        .distinct()
        .order_by("-issued_on", "-id")
    )
