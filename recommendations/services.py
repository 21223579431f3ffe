"""Every write to a recommendation and its timeline goes through these functions.

Nothing else saves a ``Recommendation`` or writes a ``StatusChange`` – not the admin (its form
calls ``recommendation_edit``), not the pages, not the import, not the commands. Each function
takes keyword arguments only and is named ``<entity>_<action>``.

- One recommendation at a time (``recommendation_register``, ``recommendation_transition``,
  ``recommendation_add_note``, ``recommendation_update``, ``recommendation_triage``,
  ``recommendation_edit``, ``recommendations_bulk_apply``): lock the row, check the lifecycle
  and the permission rule (``access``), raise the version (so a save over someone else's change
  is refused rather than lost) and write the history entry, all in one transaction; e-mail goes
  out only once that transaction commits.
- The import's pair (``recommendation_import_check``, ``recommendations_import_write``): the
  same questions asked of thousands of rows the import has locked, written in a few statements;
  the write refuses a row whose version changed since it was read.
- Synthetic data (``recommendations_bulk_load``, ``status_changes_bulk_load``): fictitious
  rows for the benchmarks, loaded whole.
- A user's own columns of the triage list (``list_columns_save``, ``list_columns_reset``):
  the keys checked against ``list_columns``; only ever the given user's preference.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import MinistryUnit
from tracker.bulk import (
    bulk_insert,
    bulk_update,
    chunks,
    filter_in,
    insert_values,
    replace_links,
)

from . import access, deadlines, list_columns, notifications, workdays
from .documents import evidence_attach_files
from .lifecycle import NEEDS_UNIT, Transition, get_transition
from .models import (
    EntryKind,
    ListPreference,
    Recommendation,
    ReplyDocument,
    Status,
    StatusChange,
)

M2M_FIELDS = ["obstacles", "fields", "addressed_to", "supporting_units"]
TRIAGE_FIELDS = ["responsible_unit", "priority", "due_date"]
#: What ministry staff may edit besides triage; status is never edited, only transitioned.
CONTENT_FIELDS = [
    "province",
    "visit",
    "text",
    "theme",
    "resolution_note",
    "reply_reference",
    "reply_date",
    "source",
    "key",
]


class StaleRecommendation(ValidationError):
    """Someone else saved the recommendation after this user loaded it."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else changed this recommendation while you were editing it. "
                "Reload the page to see their change, then try again."
            ),
            code="stale",
        )


def _lock(recommendation: Recommendation, expected_version: int | None) -> Recommendation:
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleRecommendation()
    return locked


def _save(recommendation: Recommendation, fields: list[str]) -> None:
    recommendation.version += 1
    recommendation.updated_at = timezone.now()
    recommendation.full_clean(exclude=M2M_FIELDS, validate_unique=False)
    recommendation.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def _record(recommendation, *, source, target, by, comment, kind=None) -> StatusChange:
    if kind is None:
        kind = EntryKind.TRANSITION if source != target else EntryKind.NOTE
    return StatusChange.objects.create(
        recommendation=recommendation,
        from_status=source,
        to_status=target,
        changed_by=by,
        changed_at=timezone.now(),
        comment=comment,
        kind=kind,
        **_snapshot(recommendation),
    )


def _snapshot(recommendation) -> dict:
    """The state a history entry keeps for reports as of a date (recommendations.reporting)."""
    return {
        "responsible_unit_id": recommendation.responsible_unit_id,
        "due_date": recommendation.due_date,
        "on_hold": recommendation.on_hold_since is not None,
    }


def refusal_messages(error: ValidationError | PermissionDenied) -> list[str]:
    """What a refused change says to a person, from either kind of refusal."""
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _check_actor(by, allowed: bool) -> None:
    # ``by=None`` is the system itself (a management command run by an operator); every
    # request from a person names its user and is checked.
    if by is not None and not allowed:
        raise PermissionDenied(_("You may not change this recommendation."))


def recommendation_register(
    *, recommendation: Recommendation, by, comment: str = ""
) -> Recommendation:
    """Save a new, unsaved recommendation as "new" and open its timeline.

    Ministry staff may record one for any province, a provincial officer for their own.
    """
    if by is not None and not access.is_ministry_staff(by):
        province_id = access.officer_province_id(by)
        _check_actor(by, province_id is not None and province_id == recommendation.province_id)
    recommendation.status = Status.NEW
    recommendation.full_clean(exclude=M2M_FIELDS)
    with transaction.atomic():
        recommendation.save()
        _record(recommendation, source="", target=Status.NEW, by=by, comment=comment)
    return recommendation


def check_transition(
    *,
    recommendation: Recommendation,
    to_status: str,
    by,
    comment: str = "",
    resolution_note: str | None = None,
    responsible_unit: MinistryUnit | None = None,
    files=None,
    documents=None,
    no_document_reason: str | None = None,
) -> Transition:
    """The transition ``by`` asks for, if the lifecycle, the role and the inputs allow it.

    Raises PermissionDenied (not this user's to take) or ValidationError (with the field at
    fault). Forms call it for a friendly error; ``recommendation_transition`` calls it again
    under the row lock, so the rule itself lives only here.
    """
    _check_actor(by, by is None or access.can_change(by, recommendation))
    if to_status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")}, code="unknown_status")
    transition = get_transition(recommendation.status, to_status)
    if transition is None:
        raise ValidationError(
            {
                "status": _("A recommendation that is “%(source)s” cannot become “%(target)s”.")
                % {"source": recommendation.get_status_display(), "target": Status(to_status).label}
            },
            code="forbidden_transition",
        )
    _check_actor(by, by is None or access.can_take(by, recommendation, transition))
    changes_unit = (
        responsible_unit is not None and responsible_unit != recommendation.responsible_unit
    )
    if changes_unit and by is not None and not access.can_triage(by, recommendation):
        raise PermissionDenied(_("Only ministry staff assign a responsible unit."))

    errors = {}
    if transition.needs_comment and not (comment or "").strip():
        errors["comment"] = _("Give the reason for this change.")
    if transition.needs_unit and not (responsible_unit or recommendation.responsible_unit_id):
        errors["responsible_unit"] = _("Choose the responsible unit first.")
    if transition.closes:
        note = resolution_note if resolution_note is not None else recommendation.resolution_note
        if not (note or "").strip():
            errors["resolution_note"] = _("Closing needs a resolution note.")
    errors.update(_evidence_errors(transition, by, files, documents, no_document_reason))
    if errors:
        raise ValidationError(errors)
    return transition


def _evidence_errors(transition, by, files, documents, no_document_reason) -> dict:
    """Closure needs proof (issue 12). An officer proposing closure attaches a file or cites
    a document. Staff closing cite the deciding document or say why there is none – asked of
    callers that offer evidence (``documents`` given: the pages, the group answer); the
    import and the admin's bulk bar, which have no place for it, are not asked yet."""
    if by is None:
        return {}
    if transition.target == Status.RESOLUTION_PROPOSED and not access.is_ministry_staff(by):
        if not (files or documents):
            return {
                "files": _(
                    "Attach at least one file (report, minutes of acceptance, decision, photo) "
                    "or cite a document as evidence for closing."
                )
            }
    elif (
        transition.closes
        and documents is not None
        and not documents
        and not (no_document_reason or "").strip()
    ):
        return {"documents": _("Cite the document that decided this, or say why there is none.")}
    return {}


def recommendation_transition(
    *,
    recommendation: Recommendation,
    to_status: str,
    by,
    comment: str = "",
    resolution_note: str | None = None,
    reply_reference: str | None = None,
    reply_date: datetime.date | None = None,
    responsible_unit: MinistryUnit | None = None,
    expected_version: int | None = None,
    files=(),
    documents=None,
    no_document_reason: str = "",
) -> Recommendation:
    """Move a recommendation to ``to_status`` if the lifecycle and ``by``'s role allow it.

    ``files`` (uploads, stored as evidence) and ``documents`` (reply documents cited) are the
    evidence the step relies on; the history entry keeps them."""
    comment = (comment or "").strip()
    documents = list(documents) if documents is not None else None
    with transaction.atomic():
        locked = _lock(recommendation, expected_version)
        transition = check_transition(
            recommendation=locked,
            to_status=to_status,
            by=by,
            comment=comment,
            resolution_note=resolution_note,
            responsible_unit=responsible_unit,
            files=files,
            documents=documents,
            no_document_reason=no_document_reason,
        )
        fields = ["status"]
        unit_changed = responsible_unit is not None and responsible_unit != locked.responsible_unit
        if unit_changed:
            locked.responsible_unit = responsible_unit
            fields.append("responsible_unit")
        if transition.closes:
            if resolution_note is not None:
                locked.resolution_note = resolution_note.strip()
            fields.append("resolution_note")
            if reply_reference is not None:
                locked.reply_reference = reply_reference.strip()
                fields.append("reply_reference")
                if locked.reply_reference:  # the old way to name a document: register it
                    documents = [*(documents or []), _legacy_document(locked, reply_date)]
            if reply_date is not None:
                locked.reply_date = reply_date
                fields.append("reply_date")

        if transition.target == Status.ASSIGNED:
            # Assigning starts the unit's clock: the rule's due date unless one was given.
            rule = deadlines.apply_rule(locked)
            if rule:
                fields.append("due_date")
                comment = f"{comment} {rule}." if comment else f"{rule}."
        source = locked.status
        locked.status = transition.target
        _save(locked, fields)
        reason = (no_document_reason or "").strip()
        if transition.closes and reason and not documents:
            comment = "\n".join(filter(None, [comment, _("No document: %s") % reason]))
        entry = _record(locked, source=source, target=transition.target, by=by, comment=comment)
        _keep_evidence(locked, entry, by=by, files=files, documents=documents)
        notifications.status_changed_on_commit(entry)
        if unit_changed:
            notifications.assigned_on_commit(locked, by=by)
    return locked


def _legacy_document(recommendation, date):
    """The reply document a number typed in the old ``reply_reference`` field names."""
    number, issued_on = recommendation.reply_reference, date or recommendation.reply_date
    found = ReplyDocument.objects.filter(number=number, issued_on=issued_on).order_by("pk").first()
    return found or ReplyDocument.objects.create(number=number, issued_on=issued_on)


def _keep_evidence(recommendation, entry, *, by, files, documents) -> None:
    stored = evidence_attach_files(recommendation=recommendation, by=by, uploads=files or ())
    if stored:
        entry.files.set(stored)
    if documents:
        recommendation.documents.add(*documents)
        entry.documents.set(documents)


def recommendation_add_note(
    *, recommendation: Recommendation, by, comment: str, expected_version: int | None = None
) -> StatusChange:
    """Add a progress note to the timeline without changing the status."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write the progress note.")})
    with transaction.atomic():
        locked = _lock(recommendation, expected_version)
        _check_actor(by, by is None or access.can_add_note(by, locked))
        _save(locked, [])
        return _record(locked, source=locked.status, target=locked.status, by=by, comment=comment)


def _describe(recommendation: Recommendation, name: str, value) -> str:
    field = Recommendation._meta.get_field(name)
    if name == "due_date":
        shown = value.strftime("%d/%m/%Y") if value else "—"
        return _("Due date: %(date)s") % {"date": shown}
    if name == "responsible_unit":
        return _("Responsible unit: %(unit)s") % {"unit": value or "—"}
    if name == "priority":
        label = recommendation.get_priority_display()
        return _("Priority: %(priority)s") % {"priority": label}
    return _("%(field)s changed") % {"field": field.verbose_name.capitalize()}


def recommendation_update(
    *,
    recommendation: Recommendation,
    by,
    comment: str = "",
    expected_version: int | None = None,
    **changes,
) -> Recommendation:
    """Change fields of a recommendation (ministry staff only) and note what changed.

    ``changes`` may hold the triage fields, the content fields and the many-to-many fields;
    the status is never among them (it moves only through ``recommendation_transition``).
    Giving a unit to a recommendation that is still new or with the leadership also moves it
    to "assigned", which is what assigning means.
    """
    unknown = set(changes) - {*TRIAGE_FIELDS, *CONTENT_FIELDS, *M2M_FIELDS}
    if unknown:
        raise ValueError(f"recommendation_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock(recommendation, expected_version)
        needs_staff = bool(set(changes) - set(TRIAGE_FIELDS))
        allowed = access.is_ministry_staff(by) if needs_staff else access.can_triage(by, locked)
        _check_actor(by, by is None or allowed)

        changed, descriptions = [], []
        for name, value in changes.items():
            if name in M2M_FIELDS:
                current = set(getattr(locked, name).values_list("pk", flat=True))
                if current != {item.pk for item in value}:
                    getattr(locked, name).set(value)
                    changed.append(name)
                    descriptions.append(_describe(locked, name, value))
                continue
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
                descriptions.append(_describe(locked, name, value))
        if not changed:
            return locked
        if "due_date" in changed and by is not None:
            refusal = deadlines.check_not_past(locked.due_date)
            if refusal:
                raise ValidationError({"due_date": refusal})
        if "responsible_unit" in changed and locked.responsible_unit_id is not None:
            rule = deadlines.apply_rule(locked)
            if rule:
                changed.append("due_date")
                descriptions.append(rule)
        if locked.status in NEEDS_UNIT and locked.responsible_unit_id is None:
            raise ValidationError(
                {"responsible_unit": _("A recommendation being handled needs a unit.")}
            )
        _save(locked, [name for name in changed if name not in M2M_FIELDS])
        text = "; ".join(str(description) for description in descriptions)
        if comment.strip():
            text = f"{text}. {comment.strip()}"
        assigns = (
            "responsible_unit" in changed
            and locked.responsible_unit_id is not None
            and get_transition(locked.status, Status.ASSIGNED) is not None
        )
        if not assigns:  # an assignment writes its one entry below, with this text
            _record(
                locked,
                source=locked.status,
                target=locked.status,
                by=by,
                comment=text,
                kind=EntryKind.TRIAGE,
            )
        if "responsible_unit" in changed and locked.responsible_unit_id is not None:
            notifications.assigned_on_commit(locked, by=by)
            if assigns:
                return recommendation_transition(
                    recommendation=locked, to_status=Status.ASSIGNED, by=by, comment=text
                )
    return locked


def recommendation_triage(
    *, recommendation: Recommendation, by, comment: str = "", expected_version=None, **triage
) -> Recommendation:
    """Set responsible unit, priority and/or due date: the ministry's triage."""
    unknown = set(triage) - set(TRIAGE_FIELDS)
    if unknown:
        raise ValueError(f"recommendation_triage cannot change {sorted(unknown)}")
    return recommendation_update(
        recommendation=recommendation,
        by=by,
        comment=comment,
        expected_version=expected_version,
        **triage,
    )


# Bulk changes go into the next digest, one line per item, instead of one mail per item.
@notifications.batched()
def recommendations_bulk_apply(
    *,
    recommendations,
    by,
    responsible_unit: MinistryUnit | None = None,
    priority: int | None = None,
    due_date: datetime.date | None = None,
    to_status: str | None = None,
    comment: str = "",
    resolution_note: str | None = None,
) -> tuple[list[Recommendation], list[tuple[Recommendation, str]]]:
    """Apply the same triage and/or status move to each recommendation, one by one.

    Each recommendation goes through the same services (and so the same permission and
    lifecycle checks) and gets its own history entries. One that cannot take the change is
    left untouched and reported with the reason; the others are saved.
    Returns ``(changed, refused)``.
    """
    triage = {
        name: value
        for name, value in [
            ("responsible_unit", responsible_unit),
            ("priority", priority),
            ("due_date", due_date),
        ]
        if value is not None
    }
    changed, refused = [], []
    for recommendation in recommendations:
        try:
            with transaction.atomic():
                result = recommendation
                if triage:
                    result = recommendation_update(
                        recommendation=result,
                        by=by,
                        comment=comment if not to_status else "",
                        **triage,
                    )
                if to_status and result.status != to_status:
                    result = recommendation_transition(
                        recommendation=result,
                        to_status=to_status,
                        by=by,
                        comment=comment,
                        resolution_note=resolution_note,
                    )
        except (ValidationError, PermissionDenied) as error:
            refused.append((recommendation, " ".join(refusal_messages(error))))
        else:
            changed.append(result)
    return changed, refused


# The import's bulk variant. An import changes thousands of recommendations at once, so it cannot
# call the functions above row by row (three queries each). It asks the same questions of each
# row – who may, which transition, what the transition needs – in ``recommendation_import_check``,
# and writes everything in a few statements in ``recommendations_import_write``.
# tests/recommendations/test_import_service.py checks that the check refuses exactly what
# ``recommendation_transition`` refuses.


@dataclass
class ImportedRecommendation:
    """A recommendation an import creates or changes, and what the file asks of its workflow.

    ``recommendation`` is unsaved when new; otherwise it is the current row (locked by the
    caller) with the file's values already set on it, its status still the current one.
    """

    recommendation: Recommendation
    status: str
    note: str = ""
    #: Human-readable triage changes ("Due date: 30/09/2025"), written to the timeline.
    triage_changes: list[str] = field(default_factory=list)
    #: Ids to link to; None leaves the links as they are.
    field_ids: frozenset[int] | None = None
    authority_ids: frozenset[int] | None = None
    transition: Transition | None = None
    is_new: bool = field(init=False)

    def __post_init__(self):
        self.is_new = self.recommendation.pk is None


def recommendation_import_check(*, item: ImportedRecommendation, by) -> None:
    """Refuse what an imported row may not do, with the services' rules and messages.

    Creating follows ``recommendation_register`` (staff anywhere, an officer in their own
    province); triage follows ``recommendation_triage`` (ministry staff only); a status move is
    ``check_transition``'s to allow. Raises PermissionDenied or ValidationError; on success
    remembers the transition to take.
    """
    recommendation = item.recommendation
    note = (item.note or "").strip()
    if item.is_new:
        if by is not None and not access.is_ministry_staff(by):
            province_id = access.officer_province_id(by)
            _check_actor(by, province_id is not None and province_id == recommendation.province_id)
        recommendation.status = Status.NEW
    else:
        _check_actor(by, by is None or access.can_change(by, recommendation))
    if item.triage_changes and by is not None and not access.can_triage(by, recommendation):
        raise PermissionDenied(_("Only ministry staff set the responsible unit and the due date."))

    item.transition = None
    if item.status == recommendation.status:
        if item.status in NEEDS_UNIT and recommendation.responsible_unit_id is None:
            raise ValidationError(
                {"responsible_unit": _("A recommendation being handled needs a unit.")}
            )
        return
    # The unit is already set on the row (the file's value): no unit argument to check again.
    item.transition = check_transition(
        recommendation=recommendation,
        to_status=item.status,
        by=by,
        comment=note,
        resolution_note=note or None,
    )


#: What an import may write on a recommendation (never ``version``, ``created_at``, ``key``).
IMPORT_WRITES = [
    "province",
    "visit",
    "text",
    "theme",
    "responsible_unit",
    "due_date",
    "status",
    "resolution_note",
    "import_batch",
    "updated_at",
    "version",
]


def recommendations_import_write(
    *, items: list[ImportedRecommendation], by, batch, opening_comment: str
) -> None:
    """Write checked imported recommendations in bulk, with their timeline entries.

    Call inside the import's transaction, after ``recommendation_import_check`` passed for every
    item. New ones get the entry that opens their timeline, as ``recommendation_register`` writes;
    triage changes a note, as ``recommendation_triage``; status changes their transition entry.
    """
    now = timezone.now()
    created, changed, history = [], [], []
    for item in items:
        recommendation = item.recommendation
        recommendation.import_batch = batch
        recommendation.updated_at = now
        if item.transition is not None:
            recommendation.status = item.transition.target
            if item.transition.closes and item.note.strip():
                recommendation.resolution_note = item.note.strip()
        if item.is_new:
            recommendation.created_at = now
            created.append(recommendation)
        else:
            recommendation.version += 1
            changed.append(recommendation)
    _check_import_versions(changed)
    bulk_insert(created)
    bulk_update(changed, IMPORT_WRITES)

    for item in items:
        recommendation = item.recommendation
        if item.is_new:
            history.append(_entry(recommendation, "", Status.NEW, by, now, opening_comment))
        if item.triage_changes and not item.is_new:  # a new one's unit is part of its creation
            source = item.transition.source if item.transition else recommendation.status
            text = "; ".join(str(change) for change in item.triage_changes)
            history.append(_entry(recommendation, source, source, by, now, text))
        if item.transition is not None:
            transition = item.transition
            note = item.note.strip()
            history.append(
                _entry(recommendation, transition.source, transition.target, by, now, note)
            )
    insert_values(StatusChange, HISTORY_COLUMNS, history)

    for attribute, field_name in (("field_ids", "fields"), ("authority_ids", "addressed_to")):
        links = {
            item.recommendation.pk: getattr(item, attribute)
            for item in items
            if getattr(item, attribute) is not None
        }
        replace_links(Recommendation._meta.get_field(field_name), links)


def _check_import_versions(changed: list[Recommendation]) -> None:
    """Refuse the whole import if any row it changes was saved since the import read it.

    The import reads these rows ``select_for_update`` in its own transaction, so on PostgreSQL
    nothing can have saved them meanwhile; the check makes that an invariant rather than an
    assumption (a caller that forgot the lock, or a database without row locks), and keeps
    ``version`` from ever going backwards: each row is written as the version it read plus one.
    """
    loaded = {item.pk: item.version - 1 for item in changed}  # raised above
    for chunk in chunks(list(loaded)):
        rows = filter_in(Recommendation.objects.order_by(), "id", chunk)
        for pk, version in rows.values_list("pk", "version"):
            if version != loaded[pk]:
                raise StaleRecommendation()


HISTORY_COLUMNS = [
    "recommendation",
    "from_status",
    "to_status",
    "changed_by",
    "changed_at",
    "comment",
    "responsible_unit",
    "due_date",
    "on_hold",
]


def _entry(recommendation, source, target, by, at, comment) -> tuple:
    """A timeline entry as a row of ``HISTORY_COLUMNS`` (thousands per import: no instances)."""
    state = _snapshot(recommendation)
    return (
        recommendation.pk,
        source,
        target,
        by.pk if by else None,
        at,
        comment,
        state["responsible_unit_id"],
        state["due_date"],
        state["on_hold"],
    )


# ---------------------------------------------------------------------------------------------
# One edit of the whole form (issue 9): what the admin's change form saves in one go.


def recommendation_edit(
    *,
    recommendation: Recommendation,
    by,
    changes: dict,
    to_status: str = "",
    comment: str = "",
    resolution_note: str | None = None,
    reply_reference: str | None = None,
    reply_date: datetime.date | None = None,
    expected_version: int | None = None,
) -> Recommendation:
    """Save a form's worth of changes: content and triage (``recommendation_update``), then a
    status move (``recommendation_transition``) or, without one, the comment as a progress note
    – all or nothing, each step checked against the version the person loaded.

    The resolution fields go with a move that closes; otherwise they are content (staff only).
    """
    with transaction.atomic():
        current = recommendation
        version = expected_version
        if changes:
            current = recommendation_update(
                recommendation=current, by=by, expected_version=version, **changes
            )
            version = current.version
        if to_status:
            return recommendation_transition(
                recommendation=current,
                to_status=to_status,
                by=by,
                comment=comment,
                resolution_note=resolution_note,
                reply_reference=reply_reference,
                reply_date=reply_date,
                expected_version=version,
            )
        if (comment or "").strip():
            recommendation_add_note(
                recommendation=current, by=by, comment=comment, expected_version=version
            )
            current.refresh_from_db()
        return current


# ---------------------------------------------------------------------------------------------
# Synthetic data (issue 9: every write here): ``generate_synthetic_data`` loads hundreds of
# thousands of fictitious rows with their whole history at once, bypassing the lifecycle on
# purpose (the walks it writes are valid lifecycle paths, ``lifecycle.PATHS``).


def recommendations_bulk_load(*, recommendations: list[Recommendation], batch_size: int) -> None:
    """Insert fully formed recommendations (synthetic data only; no history, no checks)."""
    Recommendation.objects.bulk_create(recommendations, batch_size=batch_size)


def status_changes_bulk_load(*, entries: list[tuple], recommendations) -> None:
    """Insert timeline entries given as rows of ``HISTORY_COLUMNS`` for ``recommendations`` (a
    queryset), and stamp each with its last entry's time as its last update."""
    insert_values(StatusChange, HISTORY_COLUMNS, entries)
    last_change = StatusChange.objects.filter(recommendation=OuterRef("pk")).order_by("-changed_at")
    recommendations.update(updated_at=Subquery(last_change.values("changed_at")[:1]))


# --- Deadlines (issue 11): pausing the clock -------------------------------------------------
# A recommendation waiting for a decision from above is put on hold: never overdue, no
# reminders. On resume its due date moves by the working days it was held. Both are history
# entries (kind "hold"/"resume") with the status unchanged.


def recommendation_hold(
    *, recommendation: Recommendation, by, reason: str, expected_version: int | None = None
) -> Recommendation:
    """Pause the recommendation's clock (ministry staff), giving the reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(recommendation, expected_version)
        _check_actor(by, by is None or access.is_ministry_staff(by))
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the hold.")})
        if locked.is_closed:
            raise ValidationError({"reason": _("A closed recommendation cannot be put on hold.")})
        if locked.is_on_hold:
            raise ValidationError({"reason": _("This recommendation is already on hold.")})
        locked.on_hold_since = timezone.localdate()
        locked.hold_reason = reason
        _save(locked, ["on_hold_since", "hold_reason"])
        _record(
            locked,
            source=locked.status,
            target=locked.status,
            by=by,
            comment=reason,
            kind=EntryKind.HOLD,
        )
    return locked


def recommendation_resume(
    *, recommendation: Recommendation, by, expected_version: int | None = None
) -> Recommendation:
    """Restart the clock: the due date moves by the working days the hold lasted."""
    with transaction.atomic():
        locked = _lock(recommendation, expected_version)
        _check_actor(by, by is None or access.is_ministry_staff(by))
        if not locked.is_on_hold:
            raise ValidationError(_("This recommendation is not on hold."))
        held = max(workdays.working_days_between(locked.on_hold_since, timezone.localdate()), 0)
        comment = _("Resumed after %(days)d working days on hold.") % {"days": held}
        fields = ["on_hold_since", "hold_reason"]
        if locked.due_date and held:
            locked.due_date = workdays.add_working_days(locked.due_date, held)
            fields.append("due_date")
            comment += " " + _("New due date: %(date)s.") % {"date": f"{locked.due_date:%d/%m/%Y}"}
        locked.on_hold_since = None
        locked.hold_reason = ""
        _save(locked, fields)
        _record(
            locked,
            source=locked.status,
            target=locked.status,
            by=by,
            comment=comment,
            kind=EntryKind.RESUME,
        )
    return locked


# --- The triage list's columns, each user's own ----------------------------------------------


def _signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to choose the list's columns."))


def list_columns_save(*, user, columns) -> ListPreference:
    """Keep ``user``'s choice of the triage list's columns, in the order given. Unknown keys
    or a key given twice are refused with what is wrong, and nothing is saved."""
    _signed_in(user)
    columns = list(columns)
    problems = list_columns.problems(columns)
    if problems:
        raise ValidationError(problems, code="invalid_columns")
    preference, _created = ListPreference.objects.update_or_create(
        user=user, defaults={"columns": columns}
    )
    list_columns.forget(user)
    return preference


def list_columns_reset(*, user) -> None:
    """Back to the default columns: ``user``'s choice is forgotten, so a later change of the
    defaults reaches them too."""
    _signed_in(user)
    ListPreference.objects.filter(user=user).delete()
    list_columns.forget(user)
