"""Bulk helpers for imports: many-to-many links read and written a batch at a time."""

from collections import defaultdict
from collections.abc import Iterable, Mapping

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
    INSERT per batch, however many rows."""
    if not links:
        return
    through, source, target = _through(field)
    for ids in chunks(list(links)):
        through.objects.filter(**{f"{source}__in": ids}).delete()
    through.objects.bulk_create(
        [
            through(**{source: source_id, target: target_id})
            for source_id, targets in links.items()
            for target_id in sorted(targets)
        ],
        batch_size=BATCH_SIZE,
    )
