"""What the API shows of each model: stable, documented field names; dates in ISO 8601.

Codes rather than ids where the pages' URLs use codes (provinces, fields), so a list-page URL
and an API URL take the same values.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from provinces.models import Province
from surveys.models import Delegation, Field, Finding, MinistryUnit, Visit

from ..models import (
    DocumentFile,
    Priority,
    Recommendation,
    RecommendationGroup,
    ReplyDocument,
    Status,
    StatusChange,
)


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "slug", "kind", "wards", "communes", "special_zones"]


class MinistryUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = MinistryUnit
        fields = ["id", "name", "english_name", "kind"]


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name", "english_name", "has_procedures", "position"]


class DelegationSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Delegation
        fields = ["id", "survey", "number", "head_name", "head_title", "home_unit", "notes"]


class VisitSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "key",
            "survey",
            "delegation",
            "province",
            "start_date",
            "end_date",
            "places",
            "notes",
            "recommendations_reported",
        ]


class FindingSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    province = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Null: nationwide."
    )
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "key",
            "kind",
            "survey",
            "visit",
            "province",
            "theme",
            "fields",
            "description",
            "figure_label",
            "figure_value",
            "figure_unit",
            "figure_qualifier",
        ]


class StatusChangeSerializer(serializers.ModelSerializer):
    """One entry of the history: a status change, or a progress note (same status)."""

    changed_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The user's account name; null for the system (imports, commands).",
    )
    is_note = serializers.BooleanField(read_only=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "kind",
            "from_status",
            "to_status",
            "is_note",
            "changed_by",
            "changed_at",
            "comment",
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Một kiến nghị",
            value={
                "id": 42,
                "key": "qn-2025-03",
                "province": "22",
                "province_name": "Quảng Ninh",
                "visit": 7,
                "text": "Đề nghị Bộ hướng dẫn thủ tục chuyển giao công nghệ …",
                "theme": "legal",
                "fields": ["technology-transfer"],
                "addressed_to": ["bo-khcn"],
                "responsible_unit": 3,
                "responsible_unit_name": "Vụ Pháp chế",
                "priority": 20,
                "supporting_units": [5],
                "due_date": "2027-06-30",
                "on_hold_since": None,
                "hold_reason": "",
                "status": "in_progress",
                "status_label": "đang xử lý",
                "is_overdue": False,
                "resolution_note": "",
                "reply_reference": "",
                "reply_date": None,
                "documents": [12],
                "group": None,
                "version": 5,
                "created_at": "2025-08-01T09:30:00+07:00",
                "updated_at": "2025-10-02T14:05:12+07:00",
                "web_url": "/recommendations/42/",
            },
            response_only=True,
        )
    ]
)
class RecommendationSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    addressed_to = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    responsible_unit_name = serializers.CharField(
        source="responsible_unit.name", read_only=True, allow_null=True, default=None
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    supporting_units = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the units that contribute (see /units/)."
    )
    documents = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the reply documents (see /documents/)."
    )
    group = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Id of its group (see /groups/), or null."
    )
    on_hold_since = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="Set while the clock is paused awaiting a decision from above.",
    )
    hold_reason = serializers.CharField(read_only=True, help_text="Why it is on hold.")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "key",
            "province",
            "province_name",
            "visit",
            "text",
            "theme",
            "fields",
            "addressed_to",
            "responsible_unit",
            "responsible_unit_name",
            "supporting_units",
            "priority",
            "due_date",
            "on_hold_since",
            "hold_reason",
            "status",
            "status_label",
            "is_overdue",
            "resolution_note",
            "reply_reference",
            "reply_date",
            "documents",
            "group",
            "version",
            "created_at",
            "updated_at",
            "web_url",
        ]
        read_only_fields = fields


class RecommendationDetailSerializer(RecommendationSerializer):
    """A recommendation with its history, oldest entry first."""

    history = StatusChangeSerializer(many=True, read_only=True)

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "history"]
        read_only_fields = fields


# --- what a write sends ------------------------------------------------------------------------


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text="The status to move to.")
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Written to the history. Required when reopening, proposing closure or "
        "sending a proposal back.",
    )
    resolution_note = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        max_length=10000,
        help_text="Required when the move closes the recommendation (unless one is set).",
    )
    reply_reference = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None, max_length=100
    )
    reply_date = serializers.DateField(required=False, allow_null=True, default=None)
    responsible_unit = serializers.PrimaryKeyRelatedField(
        queryset=MinistryUnit.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the ministry unit; needed when assigning (ministry staff only).",
    )


class NoteSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, help_text="The progress note.")


class TriageSerializer(serializers.Serializer):
    """Only the fields sent are changed."""

    responsible_unit = serializers.PrimaryKeyRelatedField(
        queryset=MinistryUnit.objects.all(), required=False, allow_null=True
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)

    def changes(self) -> dict:
        return {
            name: self.validated_data[name]
            for name in ("responsible_unit", "priority", "due_date")
            if name in self.validated_data
        }


class HoldSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=5000, help_text="Why the clock stops, e.g. the decision awaited."
    )


class ResumeSerializer(serializers.Serializer):
    """No fields: the due date moves by the working days the hold lasted."""


# --- groups and reply documents ----------------------------------------------------------------


class GroupProgressSerializer(serializers.Serializer):
    closed = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class GroupSerializer(serializers.ModelSerializer):
    """A group of recommendations of the same content, answered together."""

    lead_unit_name = serializers.CharField(
        source="lead_unit.name", read_only=True, allow_null=True, default=None
    )
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    progress = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = RecommendationGroup
        fields = [
            "id",
            "title",
            "lead_unit",
            "lead_unit_name",
            "members",
            "progress",
            "created_at",
            "web_url",
        ]
        read_only_fields = fields

    @extend_schema_field(GroupProgressSerializer)
    def get_progress(self, group) -> dict:
        # Counted in the list's query (annotations), like groups.group_progress: never typed.
        total, closed = group.total, group.closed
        return {
            "closed": closed,
            "total": total,
            "percent": round(100 * closed / total) if total else 0,
        }


class GroupAnswerSerializer(serializers.Serializer):
    recommendations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        min_length=1,
        max_length=1000,
        help_text="Ids of the members to answer; each moves on its own or is refused.",
    )
    status = serializers.ChoiceField(choices=Status.choices, help_text="The status to move to.")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    resolution_note = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None, max_length=10000
    )
    document = serializers.PrimaryKeyRelatedField(
        queryset=ReplyDocument.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the reply document that answers them (see /documents/).",
    )
    no_document_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why there is no document, when closing without one.",
    )


class RefusedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class GroupAnswerResultSerializer(serializers.Serializer):
    moved = serializers.ListField(child=serializers.IntegerField())
    refused = RefusedSerializer(many=True)


class DocumentFileSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="content_type", read_only=True)
    download_url = serializers.CharField(
        source="get_absolute_url",
        read_only=True,
        help_text="Permission-checked download (an attachment), with the same credentials.",
    )

    class Meta:
        model = DocumentFile
        fields = ["id", "name", "type", "size", "uploaded_at", "download_url"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    """A reply document (văn bản trả lời) and its current files."""

    files = DocumentFileSerializer(many=True, read_only=True, source="current_files")
    recommendations = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the recommendations it answers."
    )
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = ReplyDocument
        fields = [
            "id",
            "number",
            "issued_on",
            "issuer",
            "signer",
            "signer_position",
            "summary",
            "is_public",
            "files",
            "recommendations",
            "created_at",
            "web_url",
        ]
        read_only_fields = fields


# --- problem documents (RFC 9457), for the schema ------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="A URN naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field → messages; `non_field_errors` for the request as a whole.",
    )


class StaleProblemSerializer(ProblemSerializer):
    current = RecommendationDetailSerializer(help_text="The recommendation as it now stands.")
