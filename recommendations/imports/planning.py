"""Planning an import: each resolved row validated as the admin form would validate it (the
model's field validation and ``clean()``; for recommendations the lifecycle and the permission
rule through ``services.recommendation_import_check``) and classified new, update or unchanged.

The visits, findings and recommendations the file names are loaded by key in one query each and,
unless it is a dry run, locked (``select_for_update``) until the import commits, so an edit on a
page either finishes before the import reads the row or waits for it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from surveys.models import Finding, Visit
from tracker.bulk import chunks, current_links, filter_in

from .. import deadlines
from ..models import Recommendation, Status
from ..services import ImportedRecommendation, recommendation_import_check
from ..similarity import similar_existing
from .columns import KIND_RECOMMENDATION
from .report import RowOutcome
from .resolving import Row

#: Model field → the column its errors are reported under.
ERROR_COLUMNS = {
    "key": "key",
    "description": "text",
    "text": "text",
    "theme": "theme",
    "kind": "kind",
    "figure_label": "figure_label",
    "figure_value": "figure_value",
    "figure_unit": "figure_unit",
    "figure_qualifier": "figure_qualifier",
    "visit": "visit_date",
    "province": "province",
    "responsible_unit": "responsible_unit",
    "due_date": "due_date",
    "comment": "note",
    "resolution_note": "note",
    "status": "status",
}
#: The fields a row sets, validated as the admin form validates them (field validators, then
#: ``clean()``). Foreign keys and many-to-many fields come from the caches, so they exist:
#: checking them again would cost a query per row; fields the import never sets need nothing.
VALIDATED = {
    Finding: {
        "key",
        "kind",
        "theme",
        "description",
        "figure_label",
        "figure_value",
        "figure_unit",
        "figure_qualifier",
    },
    Recommendation: {"key", "text", "theme", "due_date"},
}
_NOT_VALIDATED = {
    model: [f.name for f in model._meta.get_fields() if f.name not in names]
    for model, names in VALIDATED.items()
}
FINDING_WRITES = [
    "kind",
    "survey",
    "visit",
    "province",
    "theme",
    "description",
    "figure_label",
    "figure_value",
    "figure_unit",
    "figure_qualifier",
]


def _validation_errors(outcome: RowOutcome, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            column = ERROR_COLUMNS.get(name)
            for message in messages:
                outcome.error(column, message)
    else:
        for message in error.messages:
            outcome.error("status", message)


def _full_clean(instance, outcome: RowOutcome) -> None:
    """The validation the admin form runs on the fields the row sets (see ``VALIDATED``)."""
    try:
        instance.full_clean(
            exclude=_NOT_VALIDATED[type(instance)],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        _validation_errors(outcome, error)


@dataclass
class Plan:
    """What the write step does: visits to create and change, findings (with their field ids)
    and checked recommendations."""

    visits_new: list = field(default_factory=list)
    visits_changed: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    recommendations: list[ImportedRecommendation] = field(default_factory=list)


class Planner:
    """Plans the rows of one import for ``user`` (None: the system), limited to the officer's
    province when the user is a provincial officer."""

    def __init__(self, *, user, lock: bool, officer_province=None):
        self.user = user
        self.lock = lock
        self.officer_province = officer_province
        self.officer_province_id = officer_province.pk if officer_province else None

    def check_keys_unique(self, rows: list[Row]) -> None:
        first_line = {}
        for row in rows:
            if not row.key:
                continue
            if row.key in first_line:
                row.outcome.error(
                    "key",
                    _("The key “%(key)s” is already used on line %(line)s.")
                    % {"key": row.key, "line": first_line[row.key]},
                )
            else:
                first_line[row.key] = row.outcome.line

    def _in_scope(self, province_id) -> bool:
        return self.officer_province_id is None or province_id == self.officer_province_id

    def _scope_error(self, row: Row) -> None:
        row.outcome.error(
            "province",
            _("You may import only rows of %(province)s.") % {"province": self.officer_province},
        )

    def plan(self, rows: list[Row]) -> Plan:
        valid = [row for row in rows if not row.outcome.errors]
        keys = [row.key for row in valid]
        lock = self.lock
        findings = self._load(Finding.objects.all(), keys, lock)
        recommendations = self._load(Recommendation.objects.all(), keys, lock)
        finding_fields = current_links(Finding._meta.get_field("fields"), _pks(findings))
        rec_fields = current_links(Recommendation._meta.get_field("fields"), _pks(recommendations))
        rec_authorities = current_links(
            Recommendation._meta.get_field("addressed_to"), _pks(recommendations)
        )
        visits = self._visits(valid, lock)

        plan = Plan()
        planned_visits = {}
        for row in valid:
            outcome = row.outcome
            if not self._in_scope(row.province.pk):
                self._scope_error(row)
                continue
            visit = self._visit_for(row, visits, planned_visits, plan)
            if visit is None:
                continue
            if row.kind == KIND_RECOMMENDATION:
                if row.key in findings:
                    outcome.error("kind", _("This key belongs to an obstacle or achievement."))
                    continue
                existing = recommendations.get(row.key)
                self._plan_recommendation(row, visit, existing, rec_fields, rec_authorities, plan)
            else:
                if row.key in recommendations:
                    outcome.error("kind", _("This key belongs to a recommendation."))
                    continue
                self._plan_finding(row, visit, findings.get(row.key), finding_fields, plan)
        return plan

    @staticmethod
    def _load(queryset, keys: list[str], lock: bool) -> dict:
        queryset = queryset.order_by()  # the default orderings join, and FOR UPDATE cannot
        if lock:
            # Rows the import will write are locked until it commits, as the services lock the
            # one row they change (a no-op on SQLite, which locks the whole database on write).
            queryset = queryset.select_for_update()
        found = {}
        for chunk in chunks(keys):
            found.update({obj.key: obj for obj in filter_in(queryset, "key", chunk)})
        return found

    def _visits(self, rows: list[Row], lock: bool) -> dict:
        survey_ids = {row.survey.pk for row in rows}
        province_ids = {row.province.pk for row in rows}
        queryset = Visit.objects.filter(survey_id__in=survey_ids, province_id__in=province_ids)
        if lock:
            queryset = queryset.select_for_update()
        visits = {}
        for visit in queryset.order_by("pk"):  # the oldest visit wins if two share a key
            visits.setdefault(
                (visit.survey_id, visit.delegation_id, visit.province_id, visit.start_date), visit
            )
        return visits

    def _visit_for(self, row: Row, visits: dict, planned: dict, plan: Plan) -> Visit | None:
        """The visit the row belongs to: found by campaign, delegation, province and date, or
        planned once for all its rows."""
        delegation_id = row.delegation.pk if row.delegation else None
        natural_key = (row.survey.pk, delegation_id, row.province.pk, row.start_date)
        if natural_key in planned:
            visit, line = planned[natural_key]
            if row.end_date and visit.end_date != row.end_date:
                row.outcome.error(
                    "visit_date",
                    _("Line %(line)s gives this visit another end date.") % {"line": line},
                )
                return None
            return visit
        visit = visits.get(natural_key)
        if visit is None:
            visit = Visit(
                survey=row.survey,
                delegation=row.delegation,
                province=row.province,
                start_date=row.start_date,
                end_date=row.end_date,
            )
            plan.visits_new.append(visit)
        elif row.end_date and visit.end_date != row.end_date:
            visit.end_date = row.end_date
            plan.visits_changed.append(visit)
        planned[natural_key] = (visit, row.outcome.line)
        return visit

    def _plan_finding(self, row: Row, visit: Visit, finding, links: dict, plan: Plan) -> None:
        outcome = row.outcome
        if finding is not None and not self._in_scope(finding.province_id):
            self._scope_error(row)
            return
        values = {
            "kind": row.kind,
            "survey": row.survey,
            "visit": visit,
            "province": row.province,
            "theme": row.theme,
            "description": row.text,
            "figure_label": row.figure_label,
            "figure_value": row.figure_value,
            "figure_unit": row.figure_unit,
            "figure_qualifier": row.figure_qualifier or Finding.Qualifier.EXACT,
        }
        if finding is None:
            finding = Finding(key=row.key, **values)
            outcome.action = RowOutcome.NEW
        else:
            changed = (
                _assign(finding, values) or links.get(finding.pk, frozenset()) != row.field_ids
            )
            outcome.action = RowOutcome.UPDATE if changed else RowOutcome.UNCHANGED
        _full_clean(finding, outcome)
        if outcome.action != RowOutcome.UNCHANGED:
            plan.findings.append((finding, row.field_ids))

    def _plan_recommendation(
        self, row: Row, visit: Visit, recommendation, fields: dict, authorities: dict, plan: Plan
    ) -> None:
        outcome = row.outcome
        if recommendation is not None and not self._in_scope(recommendation.province_id):
            self._scope_error(row)
            return
        values = {
            "province": row.province,
            "visit": visit,
            "text": row.text,
            "theme": row.theme,
        }
        # A unit given without a due date: the rule's (deadlines owns when and which).
        row.due_date, rule = deadlines.import_due_date(
            recommendation, unit=row.responsible_unit, due_date=row.due_date
        )
        triage = {"responsible_unit": row.responsible_unit, "due_date": row.due_date}
        if recommendation is None:
            recommendation = Recommendation(key=row.key, **values, **triage)
            changed_triage = {name: value for name, value in triage.items() if value}
            outcome.action = RowOutcome.NEW
            field_ids, authority_ids = row.field_ids, row.authority_ids
            if not self.lock:  # the preview flags a new one that looks like an existing one
                outcome.similar = similar_existing(row.text, row.province, 3)
        else:
            changed_triage, field_ids, authority_ids, changed = _diff_recommendation(
                recommendation, row, {**values, **triage}, fields, authorities
            )
            outcome.action = RowOutcome.UPDATE if changed else RowOutcome.UNCHANGED
        if not row.theme:
            outcome.error("theme", _("Give the theme of the recommendation."))
        _full_clean(recommendation, outcome)
        if outcome.action == RowOutcome.UNCHANGED:
            return
        item = ImportedRecommendation(
            recommendation=recommendation,
            status=row.status
            or (Status.NEW if recommendation.pk is None else recommendation.status),
            note=row.note,
            triage_changes=_triage_messages(changed_triage) + ([rule] if rule else []),
            field_ids=field_ids,
            authority_ids=authority_ids,
        )
        try:
            recommendation_import_check(item=item, by=self.user)
        except PermissionDenied as error:
            outcome.error("status" if row.status else "province", error)
        except ValidationError as error:
            _validation_errors(outcome, error)
        else:
            plan.recommendations.append(item)


def _diff_recommendation(recommendation, row: Row, values: dict, fields: dict, authorities: dict):
    """Set the file's values on an existing recommendation and say what differs: the triage
    changes (for the timeline), the link ids to write (None: unchanged) and whether anything
    changed at all."""
    unit = row.responsible_unit
    changed_triage = {
        name: value
        for name, value, current, wanted in (
            ("responsible_unit", unit, recommendation.responsible_unit_id, unit and unit.pk),
            ("due_date", row.due_date, recommendation.due_date, row.due_date),
        )
        if current != wanted
    }
    changed = _assign(recommendation, values)
    field_ids = (
        row.field_ids if fields.get(recommendation.pk, frozenset()) != row.field_ids else None
    )
    authority_ids = (
        row.authority_ids
        if authorities.get(recommendation.pk, frozenset()) != row.authority_ids
        else None
    )
    changed = changed or field_ids is not None or authority_ids is not None
    changed = changed or bool(row.status and row.status != recommendation.status)
    return changed_triage, field_ids, authority_ids, changed


def _pks(objects: dict) -> list[int]:
    return [obj.pk for obj in objects.values()]


def _assign(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; True if any differed. Foreign keys compare by id, and
    are always set so that ``clean()`` finds the cached object instead of querying for it."""
    changed = False
    for name, value in values.items():
        field_ = instance._meta.get_field(name)
        if field_.is_relation:
            new_id = None if value is None else value.pk
            if (value is not None and new_id is None) or getattr(
                instance, field_.attname
            ) != new_id:
                changed = True
        elif getattr(instance, name) != value:
            changed = True
        setattr(instance, name, value)
    return changed


def _triage_messages(changes: dict) -> list[str]:
    messages = []
    if "responsible_unit" in changes:
        messages.append(
            _("Responsible unit: %(unit)s") % {"unit": changes["responsible_unit"] or "—"}
        )
    if "due_date" in changes:
        due = changes["due_date"]
        messages.append(
            _("Due date: %(date)s") % {"date": due.strftime("%d/%m/%Y") if due else "—"}
        )
    return messages
