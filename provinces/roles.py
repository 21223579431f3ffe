"""The tracker's roles and who holds them – low enough that every app may ask.

Three auth groups (created by migration ``recommendations.0002_roles``): admins, ministry staff
and provincial officers; an officer is bound to one province through ``ProvincialOfficer``.
What each role may *do* with a recommendation is ``recommendations.access``; this module only
answers "who is this user", which the lower apps (the reference-data import, the import batches)
need without importing the app above them.
"""

from django.conf import settings

from tracker.cache import kept
from tracker.versions import SharedVersion

ADMIN = "Quản trị"
MINISTRY_STAFF = "Cán bộ Bộ"
PROVINCIAL_OFFICER = "Cán bộ tỉnh"

#: Raised by any change of who is in which group, or of a group (``watch_memberships``).
_MEMBERSHIPS = SharedVersion("roles:version")


def _group_names(user) -> frozenset[str]:
    # Kept on the user object (a page asks several times per request) and, between changes of
    # membership, in the shared cache: one query fewer on every page. A change raises the
    # version in the key once it commits, so a revoked role is gone on the next request.
    if not hasattr(user, "_tracker_groups"):
        user._tracker_groups = kept(
            settings.USER_CACHE_SECONDS,
            lambda: f"roles:{_MEMBERSHIPS.get()}:{user.pk}" if user.pk else None,
            lambda: frozenset(user.groups.values_list("name", flat=True)),
        )
    return user._tracker_groups


def watch_memberships() -> None:
    """Forget the kept group names when a user joins or leaves a group (from either side) or
    a group is renamed or deleted."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    changed = _MEMBERSHIPS.bump_on_commit
    through = get_user_model().groups.through
    m2m_changed.connect(changed, sender=through, dispatch_uid="roles-memberships")
    post_save.connect(changed, sender=Group, dispatch_uid="roles-group-save")
    post_delete.connect(changed, sender=Group, dispatch_uid="roles-group-delete")


def is_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or ADMIN in _group_names(user)))


def is_ministry_staff(user) -> bool:
    """Admins count as ministry staff: they may do anything staff may."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_admin(user) or MINISTRY_STAFF in _group_names(user)


def officer_province_id(user) -> int | None:
    """The province a provincial officer is bound to, or None (not an officer, or unbound)."""
    if not user.is_authenticated or not user.is_active or is_ministry_staff(user):
        return None
    if PROVINCIAL_OFFICER not in _group_names(user):
        return None
    officer = getattr(user, "provincial_officer", None)
    return officer.province_id if officer else None


def is_provincial_officer(user) -> bool:
    return officer_province_id(user) is not None
