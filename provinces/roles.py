"""The tracker's roles and who holds them – low enough that every app may ask.

Three auth groups (created by migration ``recommendations.0002_roles``): admins, ministry staff
and provincial officers; an officer is bound to one province through ``ProvincialOfficer``.
What each role may *do* with a recommendation is ``recommendations.access``; this module only
answers "who is this user", which the lower apps (the reference-data import, the import batches)
need without importing the app above them.
"""

ADMIN = "Quản trị"
MINISTRY_STAFF = "Cán bộ Bộ"
PROVINCIAL_OFFICER = "Cán bộ tỉnh"


def _group_names(user) -> frozenset[str]:
    # Cached on the user object: a page asks several times per request.
    if not hasattr(user, "_tracker_groups"):
        user._tracker_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._tracker_groups


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
