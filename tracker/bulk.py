"""Bulk helpers for imports: many-to-many links read and written a batch at a time."""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import connections, router

#: Rows per INSERT/UPDATE statement, and keys per ``IN (…)`` lookup (SQLite accepts 32,766
#: parameters per statement since 3.32).
BATCH_SIZE = 1000
LOOKUP_CHUNK = 10_000


def chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _through(field):
    """The through model of a many-to-many ``field`` and its two column names."""
    through = field.remote_field.through
    return through, field.m2m_column_name(), field.m2m_reverse_name()


def current_links(field, source_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """``{source id: ids it links to}`` for a many-to-many ``field`` (``Finding.fields.field``)."""
    through, source, target = _through(field)
    links = defaultdict(set)
    for ids in chunks(list(source_ids)):
        for source_id, target_id in through.objects.filter(**{f"{source}__in": ids}).values_list(
            source, target
        ):
            links[source_id].add(target_id)
    return {source_id: frozenset(targets) for source_id, targets in links.items()}


def replace_links(field, links: Mapping[int, Iterable[int]]) -> None:
    """Make each source id in ``links`` link to exactly the given ids: one DELETE and one
    INSERT per batch, however many rows. The link rows are plain pairs of ids, so they are
    inserted without building a model instance for each."""
    if not links:
        return
    through, source, target = _through(field)
    for ids in chunks(list(links)):
        through.objects.filter(**{f"{source}__in": ids}).delete()
    pairs = [
        (source_id, target_id)
        for source_id, targets in links.items()
        for target_id in sorted(targets)
    ]
    connection = connections[router.db_for_write(through)]
    quote = connection.ops.quote_name
    insert = (
        f"INSERT INTO {quote(through._meta.db_table)} ({quote(source)}, {quote(target)}) VALUES "
    )
    with connection.cursor() as cursor:
        for batch in chunks(pairs, BATCH_SIZE * 5):
            params = [value for pair in batch for value in pair]
            cursor.execute(insert + ", ".join(["(%s, %s)"] * len(batch)), params)


def bulk_update(objs: list, fields: list[str], *, batch_size: int = BATCH_SIZE) -> None:
    """Write ``fields`` of ``objs`` (all of one model) with ``UPDATE … FROM (VALUES …)``.

    Django's ``QuerySet.bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression for every
    row and field; for 10,000 rows that cost 20 s of Python here (bench/RESULTS.md), this
    statement a fraction of a second. Values go through each field's ``get_db_prep_save``, as
    ``save()`` does; no signals are sent, as with ``bulk_update``. Needs SQLite 3.33 or newer
    (UPDATE … FROM), or PostgreSQL.
    """
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [opts.pk, *(opts.get_field(name) for name in fields)]
    aliases = [f"c{index}" for index in range(len(columns))]
    if connection.vendor == "postgresql":
        # VALUES rows are typed from their first row; cast so dates and numbers are not text.
        placeholders = [f"%s::{column.cast_db_type(connection)}" for column in columns]
    else:
        placeholders = ["%s"] * len(columns)
    row_sql = f"({', '.join(placeholders)})"
    assignments = ", ".join(
        f"{quote(column.column)} = v.{alias}"
        for column, alias in zip(columns[1:], aliases[1:], strict=True)
    )
    table = quote(opts.db_table)
    for batch in chunks(objs, batch_size):
        params = []
        for obj in batch:
            obj._prepare_related_fields_for_save(operation_name="bulk_update")
            params += [
                column.get_db_prep_save(getattr(obj, column.attname), connection)
                for column in columns
            ]
        sql = (
            f"WITH v ({', '.join(aliases)}) AS (VALUES {', '.join([row_sql] * len(batch))}) "
            f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{quote(opts.pk.column)} = v.c0"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
