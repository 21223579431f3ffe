"""What the API shows of each model: stable, documented field names; dates in ISO 8601.

Codes rather than ids where the pages' URLs use codes (provinces, fields), so a list-page URL
and an API URL take the same values.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from provinces.models import Province
from surveys.models import Delegation, Field, Finding, MinistryUnit, Visit

from ..models import Priority, Recommendation, Status, StatusChange


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
                "due_date": "2025-12-31",
                "status": "in_progress",
                "status_label": "đang xử lý",
                "is_overdue": False,
                "resolution_note": "",
                "reply_reference": "",
                "reply_date": None,
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
            "priority",
            "due_date",
            "status",
            "status_label",
            "is_overdue",
            "resolution_note",
            "reply_reference",
            "reply_date",
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
