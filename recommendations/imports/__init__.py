"""The one import of visits, findings and recommendations: the visit-notes format.

One row per obstacle, achievement or recommendation of a visit. An import runs in one
transaction, one concern per module:

- ``columns``: the format (the column table, header matching, the template file);
- ``reading``: a file → a ``tracker.spreadsheets.Table`` → one outcome per line;
- ``resolving``: a row's cells → references, looked up in caches built once per import;
- ``planning``: rows validated as the admin form validates them, the rows they change loaded by
  key and locked, each classified new, update or unchanged;
- ``writing``: only when no row has an error and it is not a dry run – visits and findings in
  bulk, recommendations through ``services.recommendations_import_write``;
- ``report``: what was decided, for the admin's preview and the command's output.

One bad row and nothing is written: the report lists every bad row with its spreadsheet line,
its column and a message. Rows match on natural keys (the row key; a visit is its campaign,
delegation, province and date), so importing the same file twice changes nothing and a
corrected file updates in place. The admin (``recommendations.admin.ImportBatchAdmin``), the
``import_visit_notes`` command and ``bench/import_visit_notes.py`` call
:func:`import_visit_notes`. The workflow's own fields (priority, version, a resolution note
other than the one a closing status move takes) are no column of the format: an unknown column
refuses the whole file.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from provinces.models import Province
from provinces.roles import is_ministry_staff, officer_province_id
from surveys.models import ImportBatch
from tracker.spreadsheets import Table

from ..public import bump_on_commit
from .columns import COLUMNS, match_headers, template_file
from .planning import Planner
from .reading import read_table, row_outcomes
from .report import Report, RowError, RowOutcome
from .resolving import Lookups, display_value, resolve
from .writing import record_batch, write

IMPORT_PERMISSION = "surveys.import_visit_notes"

__all__ = [
    "COLUMNS",
    "IMPORT_PERMISSION",
    "Report",
    "RowError",
    "RowOutcome",
    "can_import",
    "display_value",
    "import_visit_notes",
    "read_table",
    "template_file",
]


def can_import(user) -> bool:
    """Admins and ministry staff with the import permission; a provincial officer with it, for
    their own province. ``None`` is the system (a command run without ``--user``)."""
    if user is None:
        return True
    if not user.is_active or not user.has_perm(IMPORT_PERMISSION):
        return False
    return is_ministry_staff(user) or officer_province_id(user) is not None


def import_visit_notes(
    *,
    table: Table,
    user,
    file_name: str,
    dry_run: bool = False,
    via: str = ImportBatch.Via.ADMIN,
    record_dry_run: bool = False,
) -> Report:
    """Import a visit-notes table (``reading.read_table``, or ``Table.from_dataset``).

    Raises PermissionDenied when ``user`` may not import at all; everything else wrong with the
    file is in the returned report, and then nothing has been written. A batch is recorded for
    an import that wrote, and for a dry run when ``record_dry_run`` (the command's --dry-run;
    the admin's preview is a step of an import, not one).
    """
    if not can_import(user):
        raise PermissionDenied(_("You may not import visit notes."))
    report = Report(file_name=file_name, dry_run=dry_run, user=user)
    names, report.file_errors = match_headers(table.headers)
    if report.file_errors:
        return report
    report.rows = row_outcomes(table, names)
    if not report.rows:
        report.file_errors.append(_("The file has no rows to import."))
        return report
    if len(report.rows) > settings.IMPORT_MAX_ROWS:
        report.file_errors.append(
            _("The file has %(count)s rows; at most %(limit)s can be imported at once.")
            % {"count": len(report.rows), "limit": settings.IMPORT_MAX_ROWS}
        )
        return report

    province_id = officer_province_id(user) if user else None
    planner = Planner(
        user=user,
        lock=not dry_run,
        officer_province=Province.objects.get(pk=province_id) if province_id else None,
    )
    with transaction.atomic():
        lookups = Lookups()
        rows = [resolve(outcome, lookups) for outcome in report.rows]
        planner.check_keys_unique(rows)
        plan = planner.plan(rows)
        report.visits_created = len(plan.visits_new)
        report.visits_updated = len(plan.visits_changed)
        for outcome in report.rows:
            if outcome.errors:
                outcome.action = RowOutcome.INVALID
        if report.ok and (record_dry_run or not dry_run):
            report.batch = record_batch(report=report, user=user, via=via)
        if report.ok and not dry_run:
            write(plan=plan, batch=report.batch, user=user)
            # Bulk writes send no signals: the cached pages over the data (dashboard, public
            # page, similar suggestions) are told once the import commits.
            bump_on_commit()
    return report
