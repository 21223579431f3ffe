"""What an import decided, row by row: for the admin's preview and the command's output."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from surveys.models import ImportBatch

from .columns import COLUMN_BY_NAME


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Line %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class RowOutcome:
    """What the import does with one line of the file."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "skip"  # django-import-export's name for it
    INVALID = "invalid"

    line: int
    values: dict
    key: str = ""
    kind: str = ""
    action: str = ""
    errors: list[RowError] = field(default_factory=list)
    #: Existing recommendations a new one looks like (issue 12), shown in the preview.
    similar: list = field(default_factory=list)

    def error(self, column: str | None, message) -> None:
        header = COLUMN_BY_NAME[column].header if column else ""
        self.errors.append(RowError(self.line, header, str(message)))


@dataclass
class Report:
    """Everything an import decided, for the admin's preview and the command's output alike."""

    file_name: str
    dry_run: bool
    user: object = None
    rows: list[RowOutcome] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    visits_created: int = 0
    visits_updated: int = 0
    batch: ImportBatch | None = None

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(RowOutcome.NEW)

    @property
    def updated(self) -> int:
        return self.count(RowOutcome.UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(RowOutcome.UNCHANGED)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        counts = _(
            "%(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s unchanged; "
            "visits: %(visits_created)s new, %(visits_updated)s updated."
        ) % {
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "visits_created": self.visits_created,
            "visits_updated": self.visits_updated,
        }
        if not self.ok:
            problems = len(self.file_errors) + len(self.errors)
            return _("Nothing was imported: %(count)s errors.") % {"count": problems}
        if self.dry_run:
            return _("Dry run, nothing written. %(counts)s") % {"counts": counts}
        return _("Imported. %(counts)s") % {"counts": counts}

    @property
    def similar_notes(self) -> list[str]:
        """For each new recommendation that looks like an existing one, a line saying so."""
        return [
            _("Line %(line)s is like recommendation no. %(number)s of %(province)s (%(score)s%%).")
            % {
                "line": row.line,
                "number": item.recommendation.pk,
                "province": item.recommendation.province.name,
                "score": item.score,
            }
            for row in self.rows
            for item in row.similar
        ]

    def lines(self, *, every_row: bool = False) -> list[str]:
        """The report as text: the file's errors, each bad row, optionally every row, the
        totals."""
        who = self.user.get_username() if self.user else _("the system")
        out = [_("File %(file)s, imported by %(who)s.") % {"file": self.file_name, "who": who}]
        out += [_("Error: %(message)s") % {"message": message} for message in self.file_errors]
        labels = dict(ACTION_LABELS)
        for row in self.rows:
            if row.errors:
                out += [str(error) for error in row.errors]
            elif every_row:
                out.append(
                    _("Line %(line)s: %(key)s – %(action)s")
                    % {"line": row.line, "key": row.key, "action": labels[row.action]}
                )
        out.append(self.summary())
        return out


ACTION_LABELS = (
    (RowOutcome.NEW, pgettext_lazy("import row", "new")),
    (RowOutcome.UPDATE, pgettext_lazy("import row", "updated")),
    (RowOutcome.UNCHANGED, pgettext_lazy("import row", "unchanged")),
    (RowOutcome.INVALID, pgettext_lazy("import row", "error")),
)
