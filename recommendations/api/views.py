"""The REST API, version 1: read-only collections and the write actions on a recommendation.

Writes call the same services as the pages (``recommendations.services``), which check the
lifecycle and the permission rule (``recommendations.access``) under a row lock; nothing here
changes a row by itself. Every write needs ``If-Match`` with the ETag (the version) the client
read, so a change made meanwhile by someone else is never overwritten.
"""

import copy
import logging

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from provinces.models import Province
from surveys.models import Delegation, Field, Finding, MinistryUnit, Visit

from .. import access
from ..filters import RecommendationFilter
from ..groups import group_answer
from ..models import (
    CLOSED_STATUSES,
    DocumentFile,
    Recommendation,
    RecommendationGroup,
    ReplyDocument,
    StatusChange,
)
from ..services import (
    StaleRecommendation,
    recommendation_add_note,
    recommendation_hold,
    recommendation_resume,
    recommendation_transition,
    recommendation_triage,
)
from . import serializers as s
from .problems import problem

logger = logging.getLogger("tracker.api")


class ApiView:
    """What every API view shares: its own authentication (exempt from the pages' login
    redirect, see tracker.middleware) and the reader's language for messages: the language
    chosen in the app (cookie), else Accept-Language, else Vietnamese."""

    api_authenticates = True

    def dispatch(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response


class Cursor(CursorPagination):
    """Pages by position, newest first: stable while rows are added, and as fast on the last
    page of 100,000 rows as on the first (no OFFSET, no COUNT)."""

    ordering = "-id"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


# --- reference data -------------------------------------------------------------------------


class ProvinceViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """The 34 provinces and centrally-run cities, by administrative code."""

    queryset = Province.objects.alphabetical()
    serializer_class = s.ProvinceSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2}"


class MinistryUnitViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """The ministry's units: candidates for a recommendation's responsible unit."""

    queryset = MinistryUnit.objects.all()
    serializer_class = s.MinistryUnitSerializer
    lookup_value_regex = "[0-9]+"


class FieldViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """The ministry's fields of state management, by code."""

    queryset = Field.objects.all()
    serializer_class = s.FieldSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class DelegationViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    queryset = Delegation.objects.select_related("survey")
    serializer_class = s.DelegationSerializer
    lookup_value_regex = "[0-9]+"


class VisitViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    queryset = Visit.objects.select_related("survey", "province")
    serializer_class = s.VisitSerializer
    lookup_value_regex = "[0-9]+"
    pagination_class = Cursor


class FindingViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    queryset = Finding.objects.select_related("survey", "province").prefetch_related("fields")
    serializer_class = s.FindingSerializer
    lookup_value_regex = "[0-9]+"
    pagination_class = Cursor


# --- recommendations ------------------------------------------------------------------------


class ApiRecommendationFilter(RecommendationFilter):
    """The list page's FilterSet, parameter for parameter; only ``ordering`` is left out
    because the API pages by cursor, newest first (the same rows, in a stable order)."""


del ApiRecommendationFilter.base_filters["ordering"]
# The schema cannot guess the type of a filter on ``province__code``: tell it (on a copy, so
# the page's FilterSet keeps its own filter object).
ApiRecommendationFilter.base_filters["province"] = copy.copy(
    ApiRecommendationFilter.base_filters["province"]
)
set_override(
    ApiRecommendationFilter.base_filters["province"],
    "field",
    {
        "type": "string",
        "pattern": "^[0-9]{2}$",
        "description": "Administrative code of a province (see /api/v1/provinces/); repeat "
        "for several: `province=22&province=24`.",
    },
)


class StrictFilterBackend(DjangoFilterBackend):
    """The page leaves out a value it cannot use; the API says so (400 with the field and the
    page's own message), so a system never mistakes a typo for an empty result."""

    def filter_queryset(self, request, queryset, view):
        for key, values in request.query_params.lists():
            if any("\x00" in value for value in [key, *values]):
                raise exceptions.ValidationError({key: [_("This value is not valid.")]})
        return super().filter_queryset(request, queryset, view)


ETAG_HEADER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the recommendation as you read it, e.g. `"5"`. Required: a '
    "write without it gets 428, one with an outdated ETag gets 412 and changes nothing.",
)


def _write_responses(extra_examples=()):
    return {
        200: OpenApiResponse(
            s.RecommendationDetailSerializer,
            description="The recommendation as it now stands; its new ETag is in the header.",
        ),
        (412, "application/problem+json"): OpenApiResponse(
            s.StaleProblemSerializer,
            description="Someone else changed it since you read it: nothing was changed; "
            "`current` is the recommendation now, with its ETag in the header.",
        ),
    }


TRANSITION_EXAMPLES = [
    OpenApiExample(
        "Đưa vào xử lý",
        value={"status": "in_progress", "comment": "Sở đã làm việc với Vụ Pháp chế."},
        request_only=True,
    ),
    OpenApiExample(
        "Kết thúc: đã giải quyết",
        value={
            "status": "resolved",
            "resolution_note": "Bộ đã ban hành Thông tư hướng dẫn.",
            "reply_reference": "1234/BKHCN-PC",
            "reply_date": "2025-10-15",
        },
        request_only=True,
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List recommendations",
        description="The same filters as the list page (`/recommendations/?…`), with the same "
        "meaning: a provincial officer who names no province sees their own (`scope=all` for "
        "every province); `q` ignores accents and capitals. Newest first, by cursor.",
    ),
    retrieve=extend_schema(
        summary="One recommendation with its history",
        description="The `ETag` header holds its version: send it back in `If-Match` to write.",
    ),
)
class RecommendationViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RecommendationSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ApiRecommendationFilter
    pagination_class = Cursor
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        queryset = Recommendation.objects.select_related(
            "province", "responsible_unit"
        ).prefetch_related(
            "fields",
            "addressed_to",
            # Only their ids are shown: no need to read the rows.
            Prefetch("supporting_units", queryset=MinistryUnit.objects.only("pk")),
            Prefetch("documents", queryset=ReplyDocument.objects.only("pk")),
        )
        if self.action != "list":
            history = StatusChange.objects.select_related("changed_by").order_by("changed_at", "id")
            queryset = queryset.prefetch_related(Prefetch("history", queryset=history))
        return queryset

    def get_serializer_class(self):
        return (
            s.RecommendationSerializer
            if self.action == "list"
            else s.RecommendationDetailSerializer
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response.headers["ETag"] = etag(response.data["version"])
        return response

    # --- writes -----------------------------------------------------------------------------

    def _current(self, pk) -> Recommendation:
        return self.get_queryset().get(pk=pk)

    def _state(self, pk, status_code=200) -> Response:
        current = self._current(pk)
        data = s.RecommendationDetailSerializer(current, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": etag(current.version)})

    def _stale(self, pk) -> Response:
        current = self._current(pk)
        data = s.RecommendationDetailSerializer(current, context=self.get_serializer_context()).data
        return problem(
            412,
            detail=StaleRecommendation().messages[0],
            current=data,
            headers={"ETag": etag(current.version)},
        )

    def _write(self, request, pk, *, name, allowed, serializer_class, save):
        """Check who may, the If-Match and the body, then ``save`` through a service."""
        recommendation = get_object_or_404(Recommendation.objects.select_related("province"), pk=pk)
        user = request.user
        try:
            if not allowed(user, recommendation):
                raise PermissionDenied(_("You may not change this recommendation."))
            expected = if_match(request, recommendation)
            if expected is None:
                response = self._stale(pk)
            else:
                serializer = serializer_class(data=request.data)
                serializer.is_valid(raise_exception=True)
                try:
                    save(recommendation, serializer, expected)
                except StaleRecommendation:
                    response = self._stale(pk)
                else:
                    response = self._state(pk)
        except Exception as error:
            response = self.handle_exception(error)
        logger.info(
            "API %s on recommendation %s by %s: %s",
            name,
            pk,
            user.get_username(),
            response.status_code,
        )
        return response

    @extend_schema(
        summary="Move to another status",
        description="Takes a transition of the lifecycle, as the detail page does: the same "
        "rules for who may take it and what it needs (comment, unit, resolution note).",
        parameters=[ETAG_HEADER],
        request=s.TransitionSerializer,
        responses=_write_responses(),
        examples=TRANSITION_EXAMPLES,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        def save(recommendation, serializer, expected):
            recommendation_transition(
                recommendation=recommendation,
                by=request.user,
                to_status=serializer.validated_data["status"],
                comment=serializer.validated_data["comment"],
                resolution_note=serializer.validated_data["resolution_note"],
                reply_reference=serializer.validated_data["reply_reference"],
                reply_date=serializer.validated_data["reply_date"],
                responsible_unit=serializer.validated_data["responsible_unit"],
                expected_version=expected,
            )

        return self._write(
            request,
            pk,
            name="transition",
            allowed=access.can_change,
            serializer_class=s.TransitionSerializer,
            save=save,
        )

    @extend_schema(
        summary="Add a progress note",
        description="A note in the history; the status stays as it is.",
        parameters=[ETAG_HEADER],
        request=s.NoteSerializer,
        responses=_write_responses(),
        examples=[
            OpenApiExample(
                "Ghi chú tiến độ",
                value={"comment": "Đã gửi văn bản xin ý kiến các Vụ."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        def save(recommendation, serializer, expected):
            recommendation_add_note(
                recommendation=recommendation,
                by=request.user,
                comment=serializer.validated_data["comment"],
                expected_version=expected,
            )

        return self._write(
            request,
            pk,
            name="note",
            allowed=access.can_add_note,
            serializer_class=s.NoteSerializer,
            save=save,
        )

    @extend_schema(
        summary="Triage: responsible unit, priority, due date (ministry staff)",
        description="Only the fields sent change. Giving a unit to a new recommendation, or "
        "one with the leadership, also moves it to “assigned”.",
        parameters=[ETAG_HEADER],
        request=s.TriageSerializer,
        responses=_write_responses(),
        examples=[
            OpenApiExample(
                "Giao đơn vị và hạn",
                value={"responsible_unit": 3, "due_date": "2027-06-30", "priority": 30},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        def save(recommendation, serializer, expected):
            recommendation_triage(
                recommendation=recommendation,
                by=request.user,
                comment=serializer.validated_data["comment"],
                expected_version=expected,
                **serializer.changes(),
            )

        return self._write(
            request,
            pk,
            name="triage",
            allowed=access.can_triage,
            serializer_class=s.TriageSerializer,
            save=save,
        )

    @extend_schema(
        summary="Put on hold: pause the clock (ministry staff)",
        description="While a decision from above is awaited: never overdue, no reminders. "
        "The reason goes to the history.",
        parameters=[ETAG_HEADER],
        request=s.HoldSerializer,
        responses=_write_responses(),
        examples=[
            OpenApiExample(
                "Chờ ý kiến Chính phủ",
                value={"reason": "Chờ ý kiến của Thủ tướng Chính phủ."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        def save(recommendation, serializer, expected):
            recommendation_hold(
                recommendation=recommendation,
                by=request.user,
                reason=serializer.validated_data["reason"],
                expected_version=expected,
            )

        return self._write(
            request,
            pk,
            name="hold",
            # Holding is the ministry's, like triage: an officer is refused before anything.
            allowed=access.can_triage,
            serializer_class=s.HoldSerializer,
            save=save,
        )

    @extend_schema(
        summary="Resume: restart the clock (ministry staff)",
        description="The due date moves by the working days the hold lasted.",
        parameters=[ETAG_HEADER],
        request=s.ResumeSerializer,
        responses=_write_responses(),
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        def save(recommendation, serializer, expected):
            recommendation_resume(
                recommendation=recommendation, by=request.user, expected_version=expected
            )

        return self._write(
            request,
            pk,
            name="resume",
            allowed=access.can_triage,
            serializer_class=s.ResumeSerializer,
            save=save,
        )


# --- groups and reply documents -------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List groups of recommendations of the same content"),
    retrieve=extend_schema(summary="One group: its members and progress"),
)
class GroupViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.GroupSerializer
    pagination_class = Cursor
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        # Progress counted in the same query as the groups (groups.group_progress's rule).
        return (
            RecommendationGroup.objects.select_related("lead_unit")
            .annotate(
                total=Count("members", distinct=True),
                closed=Count(
                    "members", filter=Q(members__status__in=CLOSED_STATUSES), distinct=True
                ),
            )
            .prefetch_related(
                Prefetch("members", queryset=Recommendation.objects.only("pk").order_by("pk"))
            )
        )

    @extend_schema(
        summary="Answer the group once (ministry staff)",
        description="Each listed member moves through its own transition (its own lifecycle "
        "and permission check, history entry citing the document, notification); one that is "
        "refused stays as it was and is listed with the reason. No If-Match: each member is "
        "moved from the state it has now.",
        request=s.GroupAnswerSerializer,
        responses={200: s.GroupAnswerResultSerializer},
        examples=[
            OpenApiExample(
                "Trả lời chung bằng một văn bản",
                value={
                    "recommendations": [42, 57],
                    "status": "resolved",
                    "resolution_note": "Bộ đã ban hành Thông tư hướng dẫn.",
                    "document": 12,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        group = get_object_or_404(RecommendationGroup, pk=pk)
        if not access.is_ministry_staff(request.user):
            raise PermissionDenied(_("Only ministry staff may do this."))
        serializer = s.GroupAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = list(dict.fromkeys(data["recommendations"]))
        chosen = {
            r.pk: r for r in Recommendation.objects.filter(pk__in=ids).select_related("province")
        }
        missing = [pk for pk in ids if pk not in chosen]
        if missing:
            raise exceptions.ValidationError(
                {
                    "recommendations": [
                        _("No such recommendation: %(ids)s.")
                        % {"ids": ", ".join(str(pk) for pk in missing)}
                    ]
                }
            )
        result = group_answer(
            group=group,
            by=request.user,
            recommendations=[chosen[pk] for pk in ids],
            target_status=data["status"],
            comment=data["comment"],
            resolution_note=data["resolution_note"] or None,
            document=data["document"],
            no_document_reason=data["no_document_reason"],
        )
        logger.info(
            "API group answer on group %s by %s: %d moved, %d refused",
            group.pk,
            request.user.get_username(),
            len(result.moved),
            len(result.refused),
        )
        return Response(
            {
                "moved": [r.pk for r in result.moved],
                "refused": [{"id": r.pk, "reason": reason} for r, reason in result.refused],
            }
        )


@extend_schema_view(
    list=extend_schema(summary="List reply documents, the latest recorded first"),
    retrieve=extend_schema(summary="One reply document with its files"),
)
class DocumentViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    """Every signed-in user may read reply documents and their files, as on the pages
    (``documents.may_read_file``); each file's ``download_url`` is the pages' permission-checked
    download."""

    serializer_class = s.DocumentSerializer
    pagination_class = Cursor
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return ReplyDocument.objects.prefetch_related(
            Prefetch(
                "files",
                queryset=DocumentFile.objects.filter(superseded_by=None).order_by("pk"),
                to_attr="current_files",
            ),
            Prefetch("recommendations", queryset=Recommendation.objects.only("pk").order_by("pk")),
        )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not access.can_view(request.user):
            raise PermissionDenied(_("You may not read this file."))


class NotFoundView(ApiView, APIView):
    """Any other address under /api/v1/: a 404 problem document, not the pages' HTML."""

    def dispatch(self, request, *args, **kwargs):
        self.http_method_names = [*APIView.http_method_names]
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()


# --- optimistic concurrency over HTTP -----------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "if_match_required"


def if_match(request, recommendation) -> int | None:
    """The version the client read, when it is the current one; None when it is outdated.
    Raises 428 when the request sends no If-Match (a blind write could undo someone's
    change)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired(
            _("Send If-Match with the ETag of the recommendation as you read it, e.g. “%(etag)s”.")
            % {"etag": etag(recommendation.version)}
        )
    # A list of entity tags may be sent; strong comparison (RFC 9110 13.1.1): W/ never matches.
    for tag in header.split(","):
        tag = tag.strip()
        if tag == etag(recommendation.version):
            return recommendation.version
    return None
