"""Diacritics folding: the one place that decides how Vietnamese text is compared.

``fold("Thanh Hóa") == "thanh hoa"`` and ``fold("ĐÀO TẠO") == "dao tao"``. One table drives both
the Python function (search terms, import name matching) and the SQL expression behind every
generated ``search_*`` column, so a folded term always matches a folded column, on SQLite and on
PostgreSQL alike.
"""

import operator
import unicodedata
from functools import reduce

from django.db import models
from django.db.models import Q

_VIETNAMESE_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


def _base_letter(char: str) -> str:
    return "d" if char in "đĐ" else unicodedata.normalize("NFD", char)[0].lower()


#: Each Vietnamese letter with marks, lower and upper case, mapped to its bare ASCII letter.
FOLD_TABLE: dict[str, str] = {
    variant: _base_letter(letter)
    for letter in _VIETNAMESE_LETTERS
    for variant in (letter, letter.upper())
}
_TRANSLATION = str.maketrans(FOLD_TABLE)


def fold(text: str | None) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (đ → d), as the search columns do."""
    if not text:
        return ""
    # Text pasted from some Mac or web sources arrives decomposed (NFD); compose it first so
    # the table sees whole letters.
    return unicodedata.normalize("NFC", text).translate(_TRANSLATION).lower()


def fold_query(text: str | None) -> str:
    """Fold a search term typed by a person: also trims and collapses runs of spaces."""
    return " ".join(fold(text).split())


def folded_search(queryset, term: str | None, columns, *, distinct: bool = False):
    """Rows of ``queryset`` whose folded ``columns`` contain the folded ``term``.

    The one search every list page (and ``QuerySet.search()``) uses: the term is folded like the
    generated ``search_*`` columns and matched with ``__contains`` – a plain ``LIKE '%term%'``
    that a trigram index can serve, unlike ``icontains``. ``distinct`` is for columns reached
    through a multi-valued relation, which would repeat rows.

    A column behind a foreign key (``province__search_name``) is looked up first in the small
    related table, and the rows are then filtered by those ids: ``search_text LIKE … OR
    province_id IN (3, 7)`` lets PostgreSQL combine the trigram index with the foreign key's
    index, where a join in the OR would read every row.
    """
    term = fold_query(term)
    if not term:
        return queryset
    conditions = [_contains(queryset.model, column, term) for column in columns]
    queryset = queryset.filter(reduce(operator.or_, conditions))
    return queryset.distinct() if distinct else queryset


def _contains(model, column: str, term: str) -> Q:
    relation, _separator, field_name = column.partition("__")
    field = model._meta.get_field(relation) if field_name else None
    if field is None or not (field.many_to_one and "__" not in field_name):
        return Q(**{f"{column}__contains": term})
    ids = field.related_model._default_manager.filter(**{f"{field_name}__contains": term})
    return Q(**{f"{field.attname}__in": list(ids.values_list("pk", flat=True))})


class Fold(models.Func):
    """SQL twin of :func:`fold`, immutable so it can back a stored generated column.

    PostgreSQL: ``lower(translate(col, 'àá…', 'aa…'))``; ``lower()`` runs last because it only
    lower-cases ASCII reliably whatever the collation. SQLite cannot nest 134 ``replace()`` calls
    (its parser stack overflows), so there the column calls :func:`fold` itself, registered on
    every connection as ``tracker_fold()`` (see ``tracker.apps``).
    """

    arity = 1
    output_field = models.TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            source = "".join(FOLD_TABLE)
            target = "".join(FOLD_TABLE.values())
            return f"lower(translate({sql}, '{source}', '{target}'))", params
        return f"tracker_fold({sql})", params


def folded(field_name: str) -> models.GeneratedField:
    """A stored column holding ``fold(field_name)``: what search filters with ``__contains``.

    On PostgreSQL a trigram index can serve ``LIKE '%term%'`` on it; ``icontains`` cannot use
    that index because it wraps the column in ``UPPER()``.
    """
    return models.GeneratedField(
        expression=Fold(field_name),
        output_field=models.TextField(),
        db_persist=True,
        editable=False,
    )
