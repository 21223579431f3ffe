"""Text: the one place that decides how Vietnamese text is stored, compared and searched.

Cleaning (:func:`clean_text`): every text that enters – forms, the admin, imports, the API,
management commands – is stored in NFC with invisible characters removed, so "đào tạo" typed
with decomposed tone marks (Unikey's "Unicode tổ hợp", macOS) or pasted with a zero-width space
from a web page is the same text as the one typed plainly. Three layers call it, so that no path
is missed: ``tracker.middleware.CleanTextMiddleware`` (every GET and POST value, before any form
or filter sees it), a ``pre_save`` receiver on the models (``tracker.apps``), and the bulk
writer of imports (``tracker.bulk``).

Folding:

``fold("Thanh Hóa") == "thanh hoa"`` and ``fold("ĐÀO TẠO") == "dao tao"``. One table drives both
the Python function (search terms, import name matching) and the SQL expression behind every
generated ``search_*`` column, so a folded term always matches a folded column, on SQLite and on
PostgreSQL alike.
"""

import operator
import re
import unicodedata
from functools import reduce

from django.db import models
from django.db.models import Q

#: Invisible characters that only break search and comparison: zero-width space, non-joiner and
#: joiner, the direction marks and embeddings (nothing in Vietnamese needs them), the word
#: joiner and invisible operators, the byte order mark, and the soft hyphen.
INVISIBLE = (
    "\u00ad"
    "\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069"
    "\ufeff"
)
#: Control characters (C0 but tab and line feed, DEL, C1): NUL makes PostgreSQL refuse the
#: text, the others are pasted by accident and print as nothing or garbage.
CONTROLS = "".join(
    chr(code) for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n\r"
)
_REMOVE = re.compile(f"[{re.escape(INVISIBLE + CONTROLS)}]")
#: Line breaks of every origin become "\n" (Windows' "\r\n" from a textarea, old Mac "\r",
#: Word's line and paragraph separators).
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_SINGLE_LINE = re.compile("[\t\n]")
_UNWANTED = re.compile(f"[{re.escape(INVISIBLE + CONTROLS)}\r\u2028\u2029]")


def clean_text(value, *, multiline: bool = True):
    """``value`` in NFC, without invisible or control characters, line breaks as "\n".

    A one-line text (``multiline=False``: a name, a title) gets a space for each tab or line
    break. Anything that is not a ``str`` (``None``, a number) is returned unchanged, so
    callers can pass field values as they come.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.isascii() and value.isprintable():
        return value  # the common case, and most of an import's cells: nothing to do
    # One regular-expression scan decides whether the slower steps are needed at all: an
    # import of Vietnamese text calls this for every cell (3 µs for a clean 150-character
    # sentence).
    if _UNWANTED.search(value):
        value = _REMOVE.sub("", _LINE_BREAKS.sub("\n", value))
    if not multiline and ("\n" in value or "\t" in value):
        value = _SINGLE_LINE.sub(" ", value)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def text_fields(model) -> list[tuple[str, bool]]:
    """``(attname, multiline)`` of ``model``'s stored text columns: a ``TextField`` keeps its
    line breaks, a ``CharField`` (and its kinds: slug, e-mail…) is one line."""
    fields = _TEXT_FIELDS.get(model)
    if fields is None:
        fields = _TEXT_FIELDS[model] = [
            (field.attname, isinstance(field, models.TextField))
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.generated
        ]
    return fields


_TEXT_FIELDS: dict = {}


def clean_instance_text(instance) -> None:
    """Clean every text field of a model instance in place (the ``pre_save`` receiver)."""
    for attname, multiline in text_fields(type(instance)):
        value = instance.__dict__.get(attname)
        if isinstance(value, str):
            cleaned = clean_text(value, multiline=multiline)
            if cleaned is not value:
                instance.__dict__[attname] = cleaned


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


_INVISIBLE = re.compile(f"[{re.escape(INVISIBLE)}]")


def fold(text: str | None) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (đ → d), as the search columns do."""
    if not text:
        return ""
    # Invisible characters go first, so that a mark behind a zero-width space still composes
    # with its letter; text pasted from a Mac or typed with Unikey's "Unicode tổ hợp" arrives
    # decomposed (NFD), so compose it before the table, which knows whole letters only.
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return text.translate(_TRANSLATION).lower()


def fold_query(text: str | None) -> str:
    """Fold a search term typed by a person: also trims and collapses runs of spaces."""
    return " ".join(fold(clean_text(text)).split())


#: What of a search term reaches the database: 1,900 one-letter words took 28 s on PostgreSQL
#: and overflowed SQLite's expression depth in the admin, where each word is a condition.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_CHARS = 200


def bounded_words(text: str | None) -> tuple[str, bool]:
    """``text`` (cleaned, spaces collapsed) cut to ``SEARCH_MAX_WORDS`` words and
    ``SEARCH_MAX_CHARS`` characters, and whether anything was cut."""
    words = " ".join((clean_text(text) or "").split())
    kept = " ".join(words.split(" ")[:SEARCH_MAX_WORDS]) if words else ""
    if len(kept) > SEARCH_MAX_CHARS:
        # Cut after the last whole word that fits (one word longer than that is cut inside).
        cut = kept[:SEARCH_MAX_CHARS]
        if kept[SEARCH_MAX_CHARS] != " " and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        kept = cut.strip()
    return kept, kept != words


def bounded_search_term(text: str | None) -> tuple[str, bool]:
    """The folded term (:func:`fold_query`) within the bounds of :func:`bounded_words`."""
    return bounded_words(fold_query(text))


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
    term, _cut = bounded_search_term(term)
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

    PostgreSQL: ``lower(translate(normalize(translate(col, <invisible>, ''), NFC), 'àá…',
    'aa…'))`` – the same steps in the same order; ``normalize()`` is immutable (PostgreSQL 13+),
    and ``lower()`` runs last because it only lower-cases ASCII reliably whatever the
    collation. SQLite cannot nest 134 ``replace()`` calls
    (its parser stack overflows), so there the column calls :func:`fold` itself, registered on
    every connection as ``tracker_fold()`` (see ``tracker.apps``).
    """

    arity = 1
    output_field = models.TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return fold_sql(sql), params
        return f"tracker_fold({sql})", params


def fold_sql(column_sql: str) -> str:
    """PostgreSQL's expression for :func:`fold` of ``column_sql`` (see :class:`Fold`)."""
    source = "".join(FOLD_TABLE)
    target = "".join(FOLD_TABLE.values())
    visible = f"translate({column_sql}, '{INVISIBLE}', '')"
    return f"lower(translate(normalize({visible}, NFC), '{source}', '{target}'))"


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
