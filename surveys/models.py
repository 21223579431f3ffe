from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from provinces.models import Province
from tracker.natural_keys import NaturalKeyManager, NaturalKeyMixin
from tracker.text import folded, folded_search


class Theme(models.TextChoices):
    """The recurring kinds of obstacle the delegations reported (shared by findings and
    recommendations)."""

    HUMAN_RESOURCES = "human_resources", _("human resources")
    INFRASTRUCTURE = "infrastructure", _("technical infrastructure")
    LEGAL = "legal", _("legal framework and guidance")
    DATA_SOFTWARE = "data_software", _("data and software")
    BUDGET = "budget", _("budget")
    ORGANISATION = "organisation", _("organisation and staffing")


class SourceReport(NaturalKeyMixin, models.Model):
    """A published report the seed data was taken from, so each seeded row can be checked."""

    NATURAL_KEY = ("file_name",)

    file_name = models.CharField(_("file name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("source report")
        verbose_name_plural = _("source reports")
        ordering = ["file_name"]

    def __str__(self):
        return self.title


class MinistryUnit(NaturalKeyMixin, models.Model):
    """A unit of the ministry under Decree 55/2025/NĐ-CP: a delegation's home unit and the
    candidates for a recommendation's responsible unit."""

    NATURAL_KEY = ("name",)

    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        INSPECTORATE = "inspectorate", _("inspectorate")
        DEPARTMENT = "department", _("department")
        AUTHORITY = "authority", _("authority")
        COMMITTEE = "committee", _("committee")
        SERVICE_UNIT = "service_unit", _("public service unit")

    name = models.CharField(_("name"), max_length=200, unique=True)
    english_name = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UnitMembership",
        related_name="ministry_units",
        blank=True,
        verbose_name=_("staff members"),
        help_text=_("Ministry staff who work in this unit and are notified of its assignments."),
    )
    search_name = folded("name")

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("ministry unit")
        verbose_name_plural = _("ministry units")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UnitMembership(models.Model):
    """A staff member's place in a unit. Leaders also receive the unit's escalations
    (recommendations overdue by more than ten working days)."""

    unit = models.ForeignKey(MinistryUnit, on_delete=models.CASCADE, db_column="ministryunit_id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    is_leader = models.BooleanField(
        _("leader"),
        default=False,
        help_text=_("Leaders receive the escalation of the unit's long-overdue recommendations."),
    )

    class Meta:
        # The table the plain many-to-many used before (migration 0004 keeps its rows).
        db_table = "surveys_ministryunit_members"
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="unit_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.unit}"


class Field(NaturalKeyMixin, models.Model):
    """A field of state management of the ministry (lĩnh vực)."""

    NATURAL_KEY = ("code",)

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    english_name = models.CharField(_("English name"), max_length=200, blank=True)
    has_procedures = models.BooleanField(
        _("has administrative procedures"),
        default=False,
        help_text=_("One of the seven fields in which provinces handle the ministry's procedures."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    search_name = folded("name")

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Survey(NaturalKeyMixin, models.Model):
    """A survey campaign: the ministry's delegations sent to the provinces over a period."""

    NATURAL_KEY = ("slug",)

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    organiser = models.CharField(_("organiser"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    summary = models.TextField(_("summary"), blank=True)
    provinces = models.ManyToManyField(
        Province, related_name="surveys", blank=True, verbose_name=_("provinces covered")
    )
    source = models.ForeignKey(
        SourceReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("source report"),
    )

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="survey_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title


class Delegation(NaturalKeyMixin, models.Model):
    """An inspection delegation (đoàn công tác) of a survey campaign."""

    NATURAL_KEY = ("survey__slug", "number")

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("survey")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("The delegation's number within its campaign.")
    )
    head_name = models.CharField(
        _("head's name"),
        max_length=200,
        blank=True,
        help_text=_("Left blank when the sources do not name the head."),
    )
    head_title = models.CharField(_("head's title"), max_length=300, blank=True)
    home_unit = models.ForeignKey(
        MinistryUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("home unit"),
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.ForeignKey(
        SourceReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("source report"),
    )

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["survey", "number"]
        permissions = [("import_delegation", _("Can import delegations"))]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"], name="delegation_number_unique_per_survey"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="delegation_number_positive"),
        ]

    def __str__(self):
        label = _("Delegation %(number)s") % {"number": self.number}
        return f"{label} – {self.head_name}" if self.head_name else label

    def get_absolute_url(self):
        return reverse("surveys:delegation_detail", args=[self.pk])

    def natural_key(self):
        return super().natural_key()

    natural_key.dependencies = ["surveys.survey"]


class ImportBatch(models.Model):
    """One run of the visit-notes import: who ran it, when, on which file, and what it did.

    Rows it created or changed point back to it (``import_batch``), so an import can be reviewed
    in the lists with the "import batch" filter.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Via(models.TextChoices):
        ADMIN = "admin", _("admin site")
        COMMAND = "command", _("management command")

    started_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("by"),
        help_text=_("Blank when the system ran it (a management command run without --user)."),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    via = models.CharField(_("run from"), max_length=16, choices=Via.choices)
    dry_run = models.BooleanField(
        _("dry run"), default=False, help_text=_("Checked and counted, nothing written.")
    )
    rows = models.PositiveIntegerField(pgettext_lazy("import count", "rows"), default=0)
    created = models.PositiveIntegerField(pgettext_lazy("import count", "new"), default=0)
    updated = models.PositiveIntegerField(pgettext_lazy("import count", "updated"), default=0)
    unchanged = models.PositiveIntegerField(pgettext_lazy("import count", "unchanged"), default=0)
    visits_created = models.PositiveIntegerField(
        pgettext_lazy("import count", "new visits"), default=0
    )
    visits_updated = models.PositiveIntegerField(
        pgettext_lazy("import count", "updated visits"), default=0
    )

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-started_at", "-id"]
        permissions = [("import_visit_notes", _("Can import visit notes"))]

    def __str__(self):
        when = timezone.localtime(self.started_at).strftime("%d/%m/%Y %H:%M")
        return f"#{self.pk} {self.file_name} ({when})"


def import_batch_field():
    """The nullable link from an imported row to the batch that last wrote it."""
    return models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("import batch"),
    )


class Visit(NaturalKeyMixin, models.Model):
    """A delegation's working visit to a province; carries the visit notes."""

    NATURAL_KEY = ("key",)

    key = models.CharField(
        _("key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key from the seed or the import file; matched on re-import."),
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="visits", verbose_name=_("survey")
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("delegation"),
        help_text=_("Blank when the sources do not say which delegation made the visit."),
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="visits", verbose_name=_("province")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    places = models.TextField(_("places visited"), blank=True)
    notes = models.TextField(_("visit notes"), blank=True)
    recommendations_reported = models.PositiveSmallIntegerField(
        _("recommendations made"),
        null=True,
        blank=True,
        help_text=_(
            "How many recommendations the province made at the visit, when the sources say; "
            "may exceed the number itemised."
        ),
    )
    source = models.ForeignKey(
        SourceReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("source report"),
    )
    import_batch = import_batch_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["province__name", "start_date"]
        permissions = [("import_visit", _("Can import visits"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="visit_ends_after_start",
            ),
        ]

    def __str__(self):
        who = str(self.delegation) if self.delegation_id else _("Delegation (not named)")
        when = f" ({self.start_date:%d/%m/%Y})" if self.start_date else ""
        return f"{who} – {self.province}{when}"

    def clean(self):
        if self.delegation_id and self.survey_id and self.delegation.survey_id != self.survey_id:
            raise ValidationError(
                {"delegation": _("This delegation belongs to another survey campaign.")}
            )


class FindingQuerySet(models.QuerySet):
    def obstacles(self):
        return self.filter(kind=Finding.Kind.OBSTACLE)

    def achievements(self):
        return self.filter(kind=Finding.Kind.ACHIEVEMENT)

    def nationwide(self):
        return self.filter(province__isnull=True)

    def search(self, term):
        """Free text over the description and the province, ignoring diacritics and case."""
        return folded_search(self, term, ["search_text", "province__search_name"])

    def for_list(self):
        """What a row of the obstacles list shows, with how many recommendations answer it."""
        return self.select_related("province", "visit__delegation").annotate(
            recommendation_count=Count("recommendations")
        )


class FindingManager(NaturalKeyManager.from_queryset(FindingQuerySet)):
    pass


class Finding(NaturalKeyMixin, models.Model):
    """What a visit or the campaign found: an obstacle, or an achievement with its figure."""

    NATURAL_KEY = ("key",)

    class Kind(models.TextChoices):
        OBSTACLE = "obstacle", _("obstacle")
        ACHIEVEMENT = "achievement", _("achievement")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        OVER = "over", _("over")
        UNDER = "under", _("under")
        ABOUT = "about", _("about")

    key = models.CharField(
        _("key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key from the seed or the import file; matched on re-import."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OBSTACLE)
    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="findings", verbose_name=_("survey")
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("visit"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("province"),
        help_text=_("Blank for a nationwide finding."),
    )
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices, blank=True)
    fields = models.ManyToManyField(
        Field, related_name="findings", blank=True, verbose_name=_("fields")
    )
    description = models.TextField(_("description"))
    figure_label = models.CharField(_("figure"), max_length=200, blank=True)
    figure_value = models.DecimalField(
        _("figure value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    figure_unit = models.CharField(_("figure unit"), max_length=40, blank=True)
    figure_qualifier = models.CharField(
        _("figure qualifier"),
        max_length=8,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
    )
    source = models.ForeignKey(
        SourceReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("source report"),
    )
    search_text = folded("description")
    import_batch = import_batch_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FindingManager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["province__name", "kind", "id"]
        permissions = [("import_finding", _("Can import findings"))]
        indexes = [
            models.Index(fields=["kind", "province"], name="finding_kind_province_idx"),
            models.Index(fields=["kind", "theme"], name="finding_kind_theme_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="obstacle") | ~Q(theme=""), name="finding_obstacle_has_theme"
            ),
            models.CheckConstraint(
                condition=Q(figure_value__isnull=True) | ~Q(figure_unit=""),
                name="finding_figure_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(figure_unit="%") | Q(figure_value__gte=0, figure_value__lte=100),
                name="finding_percentage_in_range",
            ),
        ]

    def __str__(self):
        where = self.province.name if self.province_id else _("Nationwide")
        text = self.description if len(self.description) <= 80 else self.description[:79] + "…"
        return f"{where}: {text}"

    def get_absolute_url(self):
        """An obstacle's own page; achievements are shown on their province's scorecard (or,
        nationwide ones, on the provinces page)."""
        if self.kind == self.Kind.OBSTACLE:
            return reverse("surveys:obstacle_detail", args=[self.pk])
        if self.province_id:
            return reverse("provinces:detail", args=[self.province.slug]) + "#achievements"
        return reverse("provinces:list") + "#nationwide"

    def clean(self):
        errors = {}
        if self.visit_id:
            if self.province_id and self.visit.province_id != self.province_id:
                errors["visit"] = _("This visit was to another province.")
            if self.survey_id and self.visit.survey_id != self.survey_id:
                errors["visit"] = _("This visit belongs to another survey campaign.")
        if self.kind == self.Kind.OBSTACLE and not self.theme:
            errors["theme"] = _("Choose the theme of the obstacle.")
        if self.figure_value is not None and not self.figure_unit:
            errors["figure_unit"] = _("Give the unit of the figure (for example %).")
        percentage = self.figure_unit == "%" and self.figure_value is not None
        if percentage and not 0 <= self.figure_value <= 100:
            errors["figure_value"] = _("A percentage lies between 0 and 100.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_nationwide(self) -> bool:
        return self.province_id is None

    @property
    def figure_text(self) -> str:
        """The figure as a reader writes it: "99,99%", "trên 97%", "102 xã/phường"."""
        if self.figure_value is None:
            return ""
        value = self.figure_value
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        number = formats.number_format(value.normalize() if value % 1 else value)
        unit = self.figure_unit if self.figure_unit == "%" else f" {self.figure_unit}"
        if self.figure_qualifier == self.Qualifier.EXACT:
            return f"{number}{unit}"
        return f"{self.get_figure_qualifier_display()} {number}{unit}"
