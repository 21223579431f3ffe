"""The reference lists the filter forms offer – provinces, units, fields, delegations, groups –
kept in the shared cache between their changes.

Every list page shows them as choices: five queries and a few hundred model instances a page
for lists that change a few times a year. ``CachedModelChoiceIterator`` gives a choice field
the (value, label) pairs from the cache instead; the apps name the models their choices come
from with ``watch()``, and any save or delete of one of them (forms, admin, services,
``loaddata``) raises the version in the keys once its transaction commits. Writes that send no
signals (bulk inserts) call ``changed()`` themselves; ``CHOICES_CACHE_SECONDS`` bounds how long
a list could be stale if one forgets.

Only the choices shown are cached: validating a submitted value still asks the database (a
value added a moment ago filters at once).

The same version keys a recommendation page's cached record (its visit, findings, source
report and addressees are watched too, by the apps that own them).
"""

import hashlib

import django_filters
from django import forms
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from .cache import kept
from .versions import SharedVersion

VERSION_KEY = "reference:version"


_VERSION = SharedVersion(VERSION_KEY)
version = _VERSION.get
_bump = _VERSION.bump
#: A reference list changed: the cached choices are recomputed after the commit.
changed = _VERSION.bump_on_commit


def watch(*models) -> None:
    """Forget the cached choices whenever a row of one of ``models`` is saved or deleted."""
    for model in models:
        label = model._meta.label
        post_save.connect(changed, sender=model, dispatch_uid=f"reference-save-{label}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"reference-delete-{label}")


def watch_users() -> None:
    """A renamed or removed user shows at once where cached pages name them (a record's
    history, a proposal): a save of a user raises the version, except a sign-in's, which
    writes only ``last_login`` – every sign-in would otherwise empty the caches."""
    from django.contrib.auth import get_user_model

    def saved(sender, update_fields=None, **kwargs):
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            return
        changed()

    user_model = get_user_model()
    post_save.connect(saved, sender=user_model, weak=False, dispatch_uid="reference-user-save")
    post_delete.connect(changed, sender=user_model, dispatch_uid="reference-user-delete")


def cached_choices(
    queryset, label_from_instance, prepare_value, field=None
) -> list[tuple[str, str]]:
    """(value, label) of each row of ``queryset``, from the cache while nothing changed.

    The key holds the query's SQL (two querysets of one model differ), the language (labels
    are translated) and the version."""
    return kept(
        settings.CHOICES_CACHE_SECONDS,
        lambda: (
            f"choices:{version()}:{translation.get_language()}:{_digest(queryset, field=field)}"
        ),
        lambda: [
            (str(prepare_value(obj)), str(label_from_instance(obj))) for obj in queryset.all()
        ],
    )


def _digest(queryset, *more, field=None) -> str:
    """A short, stable name for ``queryset``'s SQL (and ``more``), for cache keys. A field of
    ``SharedQueryName`` keeps its queryset's SQL: compiling it took 0.4 ms a request."""
    sql = field.query_sql() if isinstance(field, SharedQueryName) else None
    if sql is None:
        sql = _query_text(queryset)
    return hashlib.blake2b(f"{sql}|{more}".encode(), digest_size=12).hexdigest()


def _query_text(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    return f"{sql}|{params}"


class SharedQueryName:
    """A model choice field that compiles its queryset's SQL once, for the cache keys, and
    shares it with its copies: every form instance deep-copies its class's fields, and the
    copy's queryset is the class field's ``.all()`` – the same SQL. A queryset set on a form's
    own field (``field.queryset = …``) gets its own."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self._query_sql = {}

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._query_sql = self._query_sql  # same SQL: ``self.queryset.all()``
        return result

    def query_sql(self) -> str | None:
        if self.queryset is None:
            return None
        sql = self._query_sql.get("sql")
        if sql is None:
            sql = self._query_sql["sql"] = _query_text(self.queryset)
        return sql


class CachedModelChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A filter field's choices: the empty and "none" choices, then the queryset's rows from
    ``cached_choices``. Values are the plain strings the widgets write into the page."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        null_label = getattr(field, "null_label", None)  # django-filter's "none" choice
        if null_label is not None:
            yield (field.null_value, null_label)
        yield from cached_choices(
            self.queryset, field.label_from_instance, field.prepare_value, field=field
        )

    def __len__(self):
        return sum(1 for _choice in self)

    def __bool__(self):
        return True if self.field.empty_label is not None else bool(len(self))


class ReferenceChoiceField(SharedQueryName, forms.ModelChoiceField):
    """A form's choice of a reference row (a ministry unit), its choices from the cache."""

    iterator = CachedModelChoiceIterator


class ReferenceMultipleChoiceField(SharedQueryName, forms.ModelMultipleChoiceField):
    """A form's choice of several reference rows (reply documents), from the cache."""

    iterator = CachedModelChoiceIterator


class CachedModelChoiceField(SharedQueryName, django_filters.fields.ModelChoiceField):
    iterator = CachedModelChoiceIterator


class CachedModelMultipleChoiceField(
    SharedQueryName, django_filters.fields.ModelMultipleChoiceField
):
    iterator = CachedModelChoiceIterator

    def _check_values(self, value):
        """The rows chosen (``?province=22&province=38``), looked up once per reference version
        and kept: a filtered list otherwise asks for them on every page. Values that are not
        choices are an error, as always, and never kept."""

        def key():
            try:
                chosen = sorted({str(item) for item in value})
            except TypeError:  # not a list of values: Django's own error, never kept
                return None
            digest = _digest(self.queryset, self.to_field_name, chosen, field=self)
            return f"choices-chosen:{version()}:{digest}"

        parent = super()._check_values
        return kept(settings.CHOICES_CACHE_SECONDS, key, lambda: parent(value))


class CachedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CachedModelChoiceField


class CachedModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CachedModelMultipleChoiceField
