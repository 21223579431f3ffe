"""The lifecycle of a recommendation: the one table of allowed status changes.

Every path that changes a status – the detail page, the admin, bulk actions, the import, the
management commands – asks this table through ``services.recommendation_transition``.
"""

from dataclasses import dataclass

from .models import CLOSED_STATUSES, Status

#: Statuses in which a responsible unit must be set (also a database constraint).
NEEDS_UNIT = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLUTION_PROPOSED})


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    #: Provincial officers may take it on their own province's recommendations; everything
    #: else is the ministry's.
    officer_may: bool = False
    #: A reason is required (reopening, rejecting a proposal, proposing with evidence).
    needs_comment: bool = False

    @property
    def closes(self) -> bool:
        return self.target in CLOSED_STATUSES

    @property
    def reopens(self) -> bool:
        return self.source in CLOSED_STATUSES

    @property
    def needs_resolution_note(self) -> bool:
        return self.closes

    @property
    def needs_unit(self) -> bool:
        return self.target in NEEDS_UNIT


def _closing(source: Status) -> list[Transition]:
    return [
        Transition(source, Status.RESOLVED),
        Transition(source, Status.NOT_ACCEPTED),
        Transition(source, Status.TRANSFERRED),
    ]


def _reopening(source: Status) -> list[Transition]:
    return [
        Transition(source, Status.REPORTED, needs_comment=True),
        Transition(source, Status.IN_PROGRESS, needs_comment=True),
    ]


TRANSITIONS: tuple[Transition, ...] = (
    # Received at a visit: answered there, or carried back to the ministry.
    Transition(Status.NEW, Status.ANSWERED),
    Transition(Status.NEW, Status.REPORTED),
    Transition(Status.NEW, Status.ASSIGNED),
    Transition(Status.NEW, Status.NOT_ACCEPTED),
    Transition(Status.NEW, Status.TRANSFERRED),
    # The leadership assigns a unit, or decides directly.
    Transition(Status.REPORTED, Status.ASSIGNED),
    *_closing(Status.REPORTED),
    # The unit and the province work on it; the province may propose closing with evidence.
    Transition(Status.ASSIGNED, Status.IN_PROGRESS, officer_may=True),
    Transition(Status.ASSIGNED, Status.RESOLUTION_PROPOSED, officer_may=True, needs_comment=True),
    *_closing(Status.ASSIGNED),
    Transition(
        Status.IN_PROGRESS, Status.RESOLUTION_PROPOSED, officer_may=True, needs_comment=True
    ),
    *_closing(Status.IN_PROGRESS),
    # The ministry confirms closure, or sends it back with a reason.
    Transition(Status.RESOLUTION_PROPOSED, Status.RESOLVED),
    Transition(Status.RESOLUTION_PROPOSED, Status.IN_PROGRESS, needs_comment=True),
    Transition(Status.RESOLUTION_PROPOSED, Status.NOT_ACCEPTED),
    Transition(Status.RESOLUTION_PROPOSED, Status.TRANSFERRED),
    # Closed ones can be reopened, always with a reason.
    *(t for status in sorted(CLOSED_STATUSES) for t in _reopening(Status(status))),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def get_transition(source: str, target: str) -> Transition | None:
    """The transition from ``source`` to ``target``, or None when the lifecycle forbids it."""
    return _BY_PAIR.get((Status(source), Status(target))) if _known(source, target) else None


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


_STATUS_VALUES = frozenset(Status.values)  # Status.values builds a new list on every access


def _known(*statuses: str) -> bool:
    return all(status in _STATUS_VALUES for status in statuses)
