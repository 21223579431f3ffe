"""Writing a planned import: only when no row has an error and it is not a dry run.

Visits and findings are written here in bulk (``tracker.bulk``: ``bulk_create`` and
``bulk_update`` in batches); recommendations and their history through the services
(``services.recommendations_import_write``), like every other write to a recommendation.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Finding, ImportBatch, Visit
from tracker.bulk import bulk_insert, bulk_update, replace_links

from ..services import recommendations_import_write
from .planning import FINDING_WRITES, Plan
from .report import Report


def record_batch(*, report: Report, user, via: str) -> ImportBatch:
    """The record of one import (or of a dry run the command asked to keep)."""
    name = report.file_name.lower()
    return ImportBatch.objects.create(
        user=user,
        file_name=report.file_name[:255],
        file_format=ImportBatch.Format.XLSX if name.endswith(".xlsx") else ImportBatch.Format.CSV,
        via=via,
        dry_run=report.dry_run,
        rows=len(report.rows),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        visits_created=report.visits_created,
        visits_updated=report.visits_updated,
    )


def visit_key(visit: Visit) -> str:
    """The stable key of a visit the import creates, from what identifies it in the file
    (campaign, delegation, province, first day), so an export of the rows that refer to it by
    key imports back onto the same visit."""
    delegation = visit.delegation.number if visit.delegation else 0
    return (f"{visit.survey.slug}-d{delegation}-{visit.province.code}-{visit.start_date:%Y%m%d}")[
        :64
    ]


def write(*, plan: Plan, batch: ImportBatch, user) -> None:
    now = timezone.now()
    for visit in plan.visits_new:
        visit.import_batch = batch
        visit.key = visit.key or visit_key(visit)
    bulk_insert(plan.visits_new)
    for visit in plan.visits_changed:
        visit.import_batch, visit.updated_at = batch, now
    bulk_update(plan.visits_changed, ["end_date", "import_batch", "updated_at"])

    new = [finding for finding, _ids in plan.findings if finding.pk is None]
    changed = [finding for finding, _ids in plan.findings if finding.pk is not None]
    for finding, _ids in plan.findings:
        finding.import_batch, finding.updated_at = batch, now
    bulk_insert(new)
    bulk_update(changed, [*FINDING_WRITES, "import_batch", "updated_at"])
    replace_links(
        Finding._meta.get_field("fields"),
        {finding.pk: ids for finding, ids in plan.findings},
    )
    recommendations_import_write(
        items=plan.recommendations,
        by=user,
        batch=batch,
        opening_comment=_("Recorded by import batch #%(batch)s (%(file)s).")
        % {"batch": batch.pk, "file": batch.file_name},
    )
