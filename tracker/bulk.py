"""Bulk writes for imports: thousands of rows in a few statements, values converted as ``save()``
converts them.

Django's ``bulk_create`` and ``bulk_update`` do this too, but spend most of an import's time in
Python on per-value expression handling (``bulk_update`` builds a ``CASE WHEN`` per row and
field: 440 rows/s on a 10,000-row file here); bench/RESULTS.md has the numbers. Like them, these
send no signals and call no ``save()``; so text is cleaned here as the ``pre_save`` receiver
cleans it on ``save()`` (NFC, no invisible or control characters: ``tracker.text.clean_text``).
``bulk_update`` needs ``UPDATE … FROM`` (SQLite 3.33+ or PostgreSQL); inserts return ids with
``RETURNING`` (SQLite 3.35+ or PostgreSQL).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import connections, models, router
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tracker.text import clean_text

#: Rows per INSERT/UPDATE statement, and keys per ``IN (…)`` lookup.
BATCH_SIZE = 1000
LOOKUP_CHUNK = 10_000

#: Fields whose str or int values go to the database unconverted.
_PLAIN_TYPES = {
    "CharField",
    "TextField",
    "SlugField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "ForeignKey",
}


def chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def filter_in(queryset, field_name: str, values: list):
    """``queryset.filter(<field_name>__in=values)`` for thousands of values: on PostgreSQL as
    ``= ANY(array)``, one parameter instead of one per value (Django prepares each ``IN``
    value on its own: a third of the time an import spends loading rows by key)."""
    connection = connections[router.db_for_read(queryset.model)]
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{field_name}__in": values})
    field = queryset.model._meta.get_field(field_name)
    column = f"{connection.ops.quote_name(queryset.model._meta.db_table)}."
    column += connection.ops.quote_name(field.column)
    array = f"%s::{field.cast_db_type(connection)}[]"
    return queryset.filter(
        RawSQL(f"{column} = ANY({array})", [list(values)], output_field=models.BooleanField())
    )


def _converters(fields, connection) -> list:
    """One function per field turning a Python value into the value the database takes."""

    def converter(field):
        prepare = field.get_db_prep_save
        if isinstance(field, models.CharField | models.TextField):
            multiline = isinstance(field, models.TextField)
            return lambda value: (
                clean_text(value, multiline=multiline)
                if type(value) is str
                else (value if value is None else prepare(value, connection))
            )
        if field.get_internal_type() in _PLAIN_TYPES:
            return lambda value: (
                value if value is None or type(value) in (str, int) else prepare(value, connection)
            )
        return lambda value: None if value is None else prepare(value, connection)

    return [converter(field) for field in fields]


def _rows_per_statement(connection, columns: int, batch_size: int) -> int:
    if connection.vendor == "sqlite":
        # SQLite takes 32,766 parameters per statement since 3.32 (Django assumes 999).
        return max(1, min(batch_size, 32_000 // columns))
    return batch_size


#: Rows per UPDATE on PostgreSQL: each statement may scan the table (a hash join with the
#: VALUES list), so fewer, larger ones.
UPDATE_BATCH_SIZE = 5000


def insert_rows(model, fields: list, rows: list[tuple], *, returning: bool = False) -> list:
    """INSERT ``rows`` (tuples of Python values, in the order of ``fields``) into ``model``'s
    table; with ``returning``, the new ids in the order of the rows."""
    if not rows:
        return []
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    convert = _converters(fields, connection)
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    suffix = f" RETURNING {quote(opts.pk.column)}" if returning else ""
    ids = []
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # One array per column (``unnest``): a statement of a few placeholders whatever the rows,
        # which psycopg 3 sends without parsing thousands of them (Django's own bulk_create does
        # the same on PostgreSQL); the rows come back in the order of the arrays.
        arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)
        statement = f"INSERT INTO {quote(opts.db_table)} ({columns}) SELECT * FROM unnest({arrays})"
        size = UPDATE_BATCH_SIZE
    else:
        size = _rows_per_statement(connection, len(fields), BATCH_SIZE)
    with connection.cursor() as cursor:
        for batch in chunks(rows, size):
            converted = [
                [convert_value(value) for convert_value, value in zip(convert, row, strict=True)]
                for row in batch
            ]
            if postgresql:
                values = [list(column) for column in zip(*converted, strict=True)]
                cursor.execute(statement + suffix, values)
            else:
                cursor.execute(
                    f"INSERT INTO {quote(opts.db_table)} ({columns}) "
                    f"VALUES {', '.join([row_sql] * len(batch))}{suffix}",
                    [value for row in converted for value in row],
                )
            if returning:
                ids += [pk for (pk,) in cursor.fetchall()]
    return ids


def insert_values(model, field_names: list[str], rows: list[tuple]) -> None:
    """INSERT plain tuples (history entries, link rows) without building model instances."""
    opts = model._meta
    insert_rows(model, [opts.get_field(name) for name in field_names], rows)


def bulk_insert(objs: list) -> None:
    """Insert new instances of one model and set their ids, as ``bulk_create`` does: auto_now
    fields set, foreign keys taken from related objects saved meanwhile (a visit created
    earlier in the same import)."""
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    fields = [f for f in opts.concrete_fields if not f.generated and f is not opts.pk]
    relations = [f for f in fields if f.is_relation]
    # auto_now and auto_now_add fields get the same moment for the whole batch, as pre_save
    # would give them one by one.
    now = timezone.now()
    stamps = [
        (f.attname, now if isinstance(f, models.DateTimeField) else timezone.localdate(now))
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    names = [f.attname for f in fields]
    rows = []
    for obj in objs:
        for relation in relations:
            if getattr(obj, relation.attname) is None and relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                if related is not None:
                    setattr(obj, relation.attname, related.pk)
        for name, value in stamps:
            setattr(obj, name, value)
        rows.append(tuple(getattr(obj, name) for name in names))
    for obj, pk in zip(objs, insert_rows(model, fields, rows, returning=True), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def bulk_update(objs: list, fields: list[str], *, batch_size: int = UPDATE_BATCH_SIZE) -> None:
    """Write ``fields`` of ``objs`` (all of one model) with one ``UPDATE … FROM (VALUES …)`` per
    batch."""
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [opts.pk, *(opts.get_field(name) for name in fields)]
    convert = _converters(columns, connection)
    aliases = [f"c{index}" for index in range(len(columns))]
    assignments = ", ".join(
        f"{quote(column.column)} = v.{alias}"
        for column, alias in zip(columns[1:], aliases[1:], strict=True)
    )
    table = quote(opts.db_table)
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # One typed array per column (``unnest``): few placeholders, typed values.
        arrays = ", ".join(f"%s::{column.cast_db_type(connection)}[]" for column in columns)
        source = f"SELECT * FROM unnest({arrays})"
        size = batch_size
    else:
        row_sql = f"({', '.join(['%s'] * len(columns))})"
        size = _rows_per_statement(connection, len(columns), min(batch_size, BATCH_SIZE))
    with connection.cursor() as cursor:
        for batch in chunks(objs, size):
            converted = []
            for obj in batch:
                obj._prepare_related_fields_for_save(operation_name="bulk_update")
                converted.append(
                    [
                        convert_value(getattr(obj, column.attname))
                        for convert_value, column in zip(convert, columns, strict=True)
                    ]
                )
            if postgresql:
                params = [list(column) for column in zip(*converted, strict=True)]
            else:
                source = f"VALUES {', '.join([row_sql] * len(batch))}"
                params = [value for row in converted for value in row]
            cursor.execute(
                f"WITH v ({', '.join(aliases)}) AS ({source}) "
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{quote(opts.pk.column)} = v.c0",
                params,
            )


def _through(field):
    """The through model of a many-to-many ``field`` and its two foreign keys."""
    through = field.remote_field.through
    opts = through._meta
    return (
        through,
        opts.get_field(field.m2m_field_name()),
        opts.get_field(field.m2m_reverse_field_name()),
    )


def current_links(field, source_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """``{source id: ids it links to}`` for a many-to-many ``field`` (``Finding.fields.field``)."""
    through, source, target = _through(field)
    links = defaultdict(set)
    for ids in chunks(list(source_ids)):
        pairs = filter_in(through.objects.all(), source.attname, ids).values_list(
            source.attname, target.attname
        )
        for source_id, target_id in pairs:
            links[source_id].add(target_id)
    return {source_id: frozenset(targets) for source_id, targets in links.items()}


def replace_links(field, links: Mapping[int, Iterable[int]]) -> None:
    """Make each source id in ``links`` link to exactly the given ids: one DELETE and one
    INSERT per batch, however many rows."""
    if not links:
        return
    through, source, target = _through(field)
    for ids in chunks(list(links)):
        filter_in(through.objects.all(), source.attname, ids).delete()
    pairs = [
        (source_id, target_id)
        for source_id, targets in links.items()
        for target_id in sorted(targets)
    ]
    insert_rows(through, [source, target], pairs)
