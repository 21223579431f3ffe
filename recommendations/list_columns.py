"""The triage list's columns, as data: which a user may choose, which are shown by default,
which sort, and what each needs from the row query.

The recommendation's text is always the first column. Each user may choose the others and
their order ("Chọn cột hiển thị" on the list); the choice is kept in ``ListPreference`` and
written only by ``services.list_columns_save`` and ``services.list_columns_reset``. Read by
``views.RecommendationListView`` (the query, the headings, the chooser), ``rows.ListRows`` (the
cells) and the services (the known keys).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tracker.cache import kept

from .models import ListPreference


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    #: The list's ``ordering`` value that sorts by it (``filters.RecommendationFilter``), if any.
    ordering: str | None = None
    #: The first click on its heading sorts this way (the newest or most urgent first).
    first: str | None = None
    #: Shown to a user who has chosen nothing.
    default: bool = False
    #: Fields the row query fetches only for this column (``Recommendation.objects.for_list_page``).
    fields: tuple[str, ...] = ()


COLUMNS = (
    Column("status", _("Status"), ordering="status", default=True),
    Column("due", _("Due date"), ordering="due", default=True),
    Column("priority", _("Priority"), ordering="priority", first="-priority", default=True),
    Column("province", pgettext_lazy("province or city", "Province"), ordering="province"),
    Column("unit", _("Lead unit")),
    Column("group", _("Group")),
    Column("created", _("Created"), ordering="created", first="-created", fields=("created_at",)),
    Column(
        "updated", _("Last updated"), ordering="updated", first="-updated", fields=("updated_at",)
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_KEYS = tuple(column.key for column in COLUMNS if column.default)


def problems(keys) -> list[str]:
    """What is wrong with ``keys`` as a choice of columns, in words for the user: unknown
    keys and keys chosen twice. Empty when the choice may be kept (no column besides the
    text is a choice too)."""
    found, seen = [], set()
    for key in keys:
        if not isinstance(key, str) or key not in BY_KEY:
            message = gettext("There is no column “%(key)s” to choose.")
            found.append(message % {"key": str(key)[:40]})
        elif key in seen:
            message = gettext("The column “%(column)s” is chosen twice.")
            found.append(message % {"column": BY_KEY[key].label})
        seen.add(key)
    return found


def chosen(keys) -> tuple[Column, ...]:
    """The columns of ``keys``, in their order; keys no longer known (a column a later release
    removed) are passed over rather than failing the list."""
    return tuple(BY_KEY[key] for key in dict.fromkeys(keys) if key in BY_KEY)


def columns_of(user) -> tuple[Column, ...]:
    """The columns ``user`` has chosen, or the defaults: kept in the shared cache for
    ``USER_CACHE_SECONDS`` (the services forget it when the choice changes), else one query
    by primary key; none for an anonymous user."""
    saved = None
    if user is not None and user.is_authenticated:

        def read():
            rows = ListPreference.objects.filter(pk=user.pk).values_list("columns", flat=True)
            return {"columns": next(iter(rows[:1]), None)}  # None: nothing chosen

        saved = kept(settings.USER_CACHE_SECONDS, _cache_key(user), read)["columns"]
    return chosen(saved if isinstance(saved, list) else DEFAULT_KEYS)


def forget(user) -> None:
    """``user``'s choice changed: read it again, now and once the change commits (a page
    drawn meanwhile may have kept the old one)."""
    cache.delete(_cache_key(user))
    transaction.on_commit(lambda: cache.delete(_cache_key(user)))


def _cache_key(user) -> str:
    return f"list-columns:{user.pk}"


def row_fields(columns) -> tuple[str, ...]:
    """The fields the row query must fetch for ``columns`` besides its usual ones."""
    return tuple(field for column in columns for field in column.fields)
