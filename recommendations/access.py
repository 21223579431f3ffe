"""Who may do what: the one place the tracker's permission rule lives.

- Admins (superusers or the admin group) and ministry staff may take any transition and triage
  any recommendation.
- A provincial officer may, on their own province's recommendations only, add progress notes
  and take the transitions the lifecycle opens to officers. Everyone signed in may read.

Pages, the admin (``get_queryset``/``has_change_permission``), bulk actions, the import and the
export all ask these functions; tests attack them from every side.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from provinces.roles import (  # who holds which role; re-exported for this module's callers
    is_admin,
    is_ministry_staff,
    is_provincial_officer,
    officer_province_id,
)

from .lifecycle import Transition, transitions_from

__all__ = [
    "allowed_transitions",
    "can_add_note",
    "can_change",
    "can_take",
    "can_triage",
    "can_view",
    "editable_filter",
    "is_admin",
    "is_ministry_staff",
    "is_provincial_officer",
    "officer_province_id",
]


def editable_filter(user) -> Q:
    """A filter selecting the recommendations ``user`` may change (none when not allowed)."""
    if is_ministry_staff(user):
        return Q()
    province_id = officer_province_id(user)
    if province_id is not None:
        return Q(province_id=province_id)
    return Q(pk__in=[])


def can_view(user, recommendation=None) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_change(user, recommendation) -> bool:
    """May ``user`` touch this recommendation at all (notes, transitions, for staff triage)?"""
    if is_ministry_staff(user):
        return True
    province_id = officer_province_id(user)
    return province_id is not None and province_id == recommendation.province_id


def can_triage(user, recommendation=None) -> bool:
    """Responsible unit, priority and due date are the ministry's to set."""
    return is_ministry_staff(user)


def can_add_note(user, recommendation) -> bool:
    return can_change(user, recommendation)


def can_take(user, recommendation, transition: Transition) -> bool:
    if transition.source != recommendation.status or not can_change(user, recommendation):
        return False
    return is_ministry_staff(user) or transition.officer_may


def allowed_transitions(user, recommendation) -> list[Transition]:
    """The transitions ``user`` may take from the recommendation's current status."""
    if user is None or isinstance(user, AnonymousUser):
        return []
    return [t for t in transitions_from(recommendation.status) if can_take(user, recommendation, t)]
