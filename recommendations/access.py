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

from . import roles
from .lifecycle import Transition, transitions_from


def _group_names(user) -> frozenset[str]:
    # Cached on the user object: a page asks several times per request.
    if not hasattr(user, "_tracker_groups"):
        user._tracker_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._tracker_groups


def is_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or roles.ADMIN in _group_names(user)))


def is_ministry_staff(user) -> bool:
    """Admins count as ministry staff: they may do anything staff may."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_admin(user) or roles.MINISTRY_STAFF in _group_names(user)


def officer_province_id(user) -> int | None:
    """The province a provincial officer is bound to, or None (not an officer, or unbound)."""
    if not user.is_authenticated or not user.is_active or is_ministry_staff(user):
        return None
    if roles.PROVINCIAL_OFFICER not in _group_names(user):
        return None
    officer = getattr(user, "provincial_officer", None)
    return officer.province_id if officer else None


def is_provincial_officer(user) -> bool:
    return officer_province_id(user) is not None


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
