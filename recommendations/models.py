import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provinces.models import Province
from surveys.models import (
    Field,
    Finding,
    MinistryUnit,
    SourceReport,
    Theme,
    Visit,
    import_batch_field,
)
from tracker.natural_keys import NaturalKeyManager, NaturalKeyMixin
from tracker.text import folded, folded_search


class Status(models.TextChoices):
    """Where a recommendation stands. The allowed moves between them live in ``lifecycle``."""

    NEW = "new", _("new")
    ANSWERED = "answered", _("answered on the spot")
    REPORTED = "reported", _("reported to the ministry's leadership")
    ASSIGNED = "assigned", _("assigned to a unit")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLUTION_PROPOSED = "proposed", _("resolution proposed")
    RESOLVED = "resolved", _("resolved")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    TRANSFERRED = "transferred", _("transferred to the competent authority")


#: Statuses that end a recommendation's life (until someone reopens it with a reason).
CLOSED_STATUSES = frozenset(
    {Status.ANSWERED, Status.RESOLVED, Status.NOT_ACCEPTED, Status.TRANSFERRED}
)
OPEN_STATUSES = frozenset(Status) - CLOSED_STATUSES


class Priority(models.IntegerChoices):
    LOW = 10, _("low")
    NORMAL = 20, _("normal")
    HIGH = 30, _("high")
    URGENT = 40, _("urgent")


class Authority(NaturalKeyMixin, models.Model):
    """A body a recommendation is addressed to: the ministry, the Ministry of Home Affairs,
    the Government…"""

    NATURAL_KEY = ("code",)

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = NaturalKeyManager()

    class Meta:
        verbose_name = _("addressee")
        verbose_name_plural = _("addressees")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class RecommendationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self):
        return self.filter(status__in=CLOSED_STATUSES)

    def overdue(self, today=None):
        """Open, not on hold and past the due date; derived, never stored."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today, on_hold_since__isnull=True)

    def not_overdue(self, today=None):
        """Everything :meth:`overdue` leaves out: closed, undated, on hold or not yet due."""
        today = today or timezone.localdate()
        return self.exclude(
            status__in=OPEN_STATUSES, due_date__lt=today, on_hold_since__isnull=True
        )

    def for_province(self, province):
        return self.filter(province=province)

    def search(self, term):
        """Free text over the recommendation, its province and its responsible unit, ignoring
        diacritics and case."""
        return folded_search(
            self,
            term,
            ["search_text", "province__search_name", "responsible_unit__search_name"],
        )

    def for_list(self):
        """What a row of the triage list or the export shows, fetched with the row."""
        return self.select_related("province", "responsible_unit", "visit__delegation", "group")

    def for_list_page(self, *also):
        """Only what a row of the triage list shows (``recommendations.rows``): its text,
        status, priority, due date and hold, the province's and unit's names, the group's
        title – a third of the time of the whole rows with their visits and delegations.
        ``also``: the fields of the optional columns a user has chosen (``list_columns``),
        fetched in the same query."""
        return self.select_related("province", "responsible_unit", "group").only(
            "text",
            "status",
            "priority",
            "due_date",
            "on_hold_since",
            "province__name",
            "responsible_unit__name",
            "group__title",
            *also,
        )

    def with_status_rank(self):
        """``status_rank``: the status's place in the lifecycle, to order by status
        meaningfully rather than alphabetically by code."""
        return self.annotate(
            status_rank=Case(
                *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status)),
                output_field=IntegerField(),
            )
        )

    def summary(self, today=None, status_counts=None) -> dict[str, int]:
        """Total, open, overdue and resolved. Pass ``count_by_status()`` if you have it: the
        rest then costs one small query (the overdue count, an index range on
        ``rec_status_due_idx``) instead of a pass over the whole table."""
        by_status = dict(status_counts if status_counts is not None else self.count_by_status())
        return {
            "total": sum(by_status.values()),
            "open": sum(by_status[status] for status in OPEN_STATUSES),
            "overdue": self.overdue(today).count(),
            "resolved": by_status[Status.RESOLVED],
        }

    def _count_by(self, column) -> dict:
        # A plain COUNT per group: each row is in one group (no DISTINCT, whose sort costs
        # more than the count), and the grouped column's index can answer it alone.
        return dict(self.order_by().values_list(column).annotate(n=Count("*")))

    def count_by_status(self) -> list[tuple[Status, int]]:
        """Every status, in lifecycle order, with how many are in it (zero included)."""
        counts = self._count_by("status")
        return [(status, counts.get(status.value, 0)) for status in Status]

    def count_by_theme(self) -> list[tuple[Theme, int]]:
        counts = self._count_by("theme")
        return [(theme, counts.get(theme.value, 0)) for theme in Theme]

    def count_by_province(self) -> list[tuple[Province, int]]:
        """All 34 provinces, alphabetically, with their counts (zero included)."""
        counts = self._count_by("province")
        return [(p, counts.get(p.pk, 0)) for p in Province.objects.alphabetical()]

    def count_by_field(self) -> list[tuple[Field, int]]:
        """Every field with its count; a recommendation in several fields counts in each."""
        # Counted on the link table: each (recommendation, field) pair is one row there; a
        # filtered queryset restricts it, an unfiltered one (the dashboard) needs no join.
        links = Recommendation.fields.through.objects.all()
        if self.query.has_filters():
            links = links.filter(recommendation__in=self.values("pk"))
        counts = dict(links.order_by().values_list("field").annotate(n=Count("*")))
        return [(field, counts.get(field.pk, 0)) for field in Field.objects.all()]

    def count_by_unit(self) -> list[tuple[MinistryUnit | None, int]]:
        """Units that hold recommendations, most first, and ``None`` for those not yet
        assigned."""
        counts = self._count_by("responsible_unit")
        units = MinistryUnit.objects.filter(pk__in=[pk for pk in counts if pk is not None])
        rows = sorted(((u, counts[u.pk]) for u in units), key=lambda row: (-row[1], row[0].name))
        if counts.get(None):
            rows.append((None, counts[None]))
        return rows

    def oldest_open(self):
        return self.open().order_by("created_at", "pk")


class RecommendationManager(NaturalKeyManager.from_queryset(RecommendationQuerySet)):
    pass


#: What was recommended, in the order every form, admin page and export shows it.
RECOMMENDED_FIELDS = ["province", "visit", "text", "addressed_to", "theme", "fields", "obstacles"]


class Recommendation(NaturalKeyMixin, models.Model):
    """A recommendation (kiến nghị) a province made, followed until it is resolved."""

    NATURAL_KEY = ("key",)

    Status = Status
    Priority = Priority

    key = models.CharField(
        _("key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key from the seed or the import file; matched on re-import."),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("province"),
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("visit"),
    )
    text = models.TextField(_("recommendation"))
    addressed_to = models.ManyToManyField(
        Authority, related_name="recommendations", blank=True, verbose_name=_("addressed to")
    )
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices)
    fields = models.ManyToManyField(
        Field, related_name="recommendations", blank=True, verbose_name=_("fields")
    )
    obstacles = models.ManyToManyField(
        Finding,
        related_name="recommendations",
        blank=True,
        limit_choices_to={"kind": Finding.Kind.OBSTACLE},
        verbose_name=_("obstacles answered"),
    )
    responsible_unit = models.ForeignKey(
        MinistryUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("lead unit"),
    )
    supporting_units = models.ManyToManyField(
        MinistryUnit,
        related_name="supported_recommendations",
        blank=True,
        verbose_name=_("supporting units"),
        help_text=_("Units that contribute; they see it and get its reminders, the lead decides."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # The clock is paused while a decision from above is awaited: never overdue, no reminders;
    # on resume the due date moves by the working days held (services.recommendation_resume).
    on_hold_since = models.DateField(_("on hold since"), null=True, blank=True, editable=False)
    hold_reason = models.TextField(_("reason for the hold"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    reply_reference = models.CharField(
        _("reply document number"),
        max_length=100,
        blank=True,
        help_text=_("Number of the official letter that answered it, e.g. 1234/BKHCN-PC."),
    )
    reply_date = models.DateField(_("reply document date"), null=True, blank=True)
    # The register of reply documents replaces reply_reference/reply_date (migration 0008
    # copied them into documents); the two columns stay, read-only, for old exports.
    documents = models.ManyToManyField(
        "ReplyDocument",
        related_name="recommendations",
        blank=True,
        verbose_name=_("reply documents"),
    )
    group = models.ForeignKey(
        "RecommendationGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("group"),
        help_text=_("Recommendations of the same content, answered together."),
    )
    source = models.ForeignKey(
        SourceReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("source report"),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every change, so a save over someone else's change is refused."),
    )
    search_text = folded("text")
    import_batch = import_batch_field()
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RecommendationManager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-updated_at", "-id"]
        permissions = [("import_recommendation", _("Can import recommendations"))]
        indexes = [
            models.Index(fields=["status", "due_date"], name="rec_status_due_idx"),
            models.Index(fields=["province", "status"], name="rec_province_status_idx"),
            models.Index(fields=["responsible_unit", "status"], name="rec_unit_status_idx"),
            models.Index(fields=["-updated_at", "-id"], name="rec_updated_idx"),
            # With the id: the dashboard's "oldest open" orders by (created_at, id), and an
            # import gives all its rows one creation time – read in order, never sorted.
            models.Index(fields=["created_at", "id"], name="rec_created_idx"),
            # The triage list filters and sorts by these on their own.
            models.Index(fields=["due_date"], name="rec_due_idx"),
            models.Index(fields=["priority"], name="rec_priority_idx"),
            models.Index(fields=["theme"], name="rec_theme_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=sorted(CLOSED_STATUSES)) | ~Q(resolution_note=""),
                name="rec_closed_has_resolution_note",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLUTION_PROPOSED]
                )
                | Q(responsible_unit__isnull=False),
                name="rec_assigned_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in Status]),
                name="rec_status_known",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{self.province}: {text}"

    def get_absolute_url(self):
        return reverse("recommendations:detail", args=[self.pk])

    def clean(self):
        if self.visit_id and self.province_id and self.visit.province_id != self.province_id:
            raise ValidationError({"visit": _("This visit was to another province.")})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_on_hold(self) -> bool:
        return self.on_hold_since is not None

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, day) -> bool:
        """Past its due date on ``day``, still open and not on hold."""
        return bool(
            self.due_date and not self.is_closed and not self.is_on_hold and self.due_date < day
        )


class EntryKind(models.TextChoices):
    """What a history entry records. Notes and triage keep the status; so do hold and resume."""

    TRANSITION = "transition", _("status change")
    NOTE = "note", _("note")
    TRIAGE = "triage", _("triage")
    HOLD = "hold", _("put on hold")
    RESUME = "resume", _("resumed")


class StatusChangeManager(models.Manager):
    def get_by_natural_key(self, recommendation_key, changed_at, to_status):
        return self.get(
            recommendation__key=recommendation_key, changed_at=changed_at, to_status=to_status
        )


class StatusChange(models.Model):
    """One entry of a recommendation's history: a status change, or a progress note when the
    status stays the same."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("recommendation"),
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=EntryKind.choices,
        default=EntryKind.TRANSITION,
        db_default=EntryKind.TRANSITION,
    )
    #: The evidence this step relied on: the documents cited and the files attached.
    documents = models.ManyToManyField(
        "ReplyDocument", related_name="status_changes", blank=True, verbose_name=_("documents")
    )
    files = models.ManyToManyField(
        "DocumentFile", related_name="status_changes", blank=True, verbose_name=_("files")
    )
    # The recommendation's state right after this entry, so that a report as of any date reads
    # the unit, the due date and the hold from the history alone (recommendations.reporting).
    responsible_unit = models.ForeignKey(
        MinistryUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    on_hold = models.BooleanField(_("on hold"), default=False)

    objects = StatusChangeManager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["recommendation", "changed_at", "id"]
        indexes = [
            models.Index(fields=["recommendation", "changed_at"], name="statuschange_rec_time_idx"),
        ]

    def __str__(self):
        if self.is_note:
            return _("Note on %(status)s") % {"status": self.get_to_status_display()}
        source = self.get_from_status_display() or "—"
        return f"{source} → {self.get_to_status_display()}"

    def natural_key(self):
        # Lets the seed fixture reload its history entries in place instead of adding copies.
        return (self.recommendation.key, self.changed_at, self.to_status)

    natural_key.dependencies = ["recommendations.recommendation"]

    @property
    def is_note(self) -> bool:
        return self.from_status == self.to_status


# --- reply documents, evidence files and groups (issue 12) --------------------------------------


class ReplyDocument(models.Model):
    """An official document (văn bản, công văn) that answers one or more recommendations."""

    number = models.CharField(
        _("number and symbol"),
        max_length=100,
        help_text=_("As written on the document, e.g. 1234/BKHCN-PC."),
    )
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    signer = models.CharField(_("signer"), max_length=120, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown on the public pages. Internal documents stay unticked."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reply document")
        verbose_name_plural = _("reply documents")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["number"], name="replydoc_number_idx")]

    def __str__(self):
        if self.issued_on:
            return f"{self.number} ({self.issued_on:%d/%m/%Y})"
        return self.number

    def get_absolute_url(self):
        return reverse("recommendations:document", args=[self.pk])


def _file_path(instance, filename):
    # A random directory per upload: names never collide and never reveal another file's path.
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class DocumentFile(models.Model):
    """A file of a reply document, or an evidence file a province attached to a recommendation.

    Never served from a public URL: ``views_documents.file_download`` checks the reader.
    Replacing a file keeps the old one (``superseded_by``) so the history can still show it.
    """

    document = models.ForeignKey(
        ReplyDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("document"),
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence_files",
        verbose_name=_("recommendation"),
    )
    file = models.FileField(_("file"), upload_to=_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False) | Q(recommendation__isnull=False),
                name="docfile_has_owner",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recommendations:file_download", args=[self.pk])

    @property
    def kind(self) -> str:
        """A short name of the type for people: PDF, DOCX, XLSX, JPEG, PNG."""
        return self.content_type.rsplit("/", 1)[-1].upper() if self.content_type else ""


class RecommendationGroup(models.Model):
    """Recommendations of the same content from several provinces (nhóm kiến nghị cùng nội
    dung), answered together. Each member keeps its own status and history."""

    title = models.CharField(_("title"), max_length=300)
    lead_unit = models.ForeignKey(
        MinistryUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendation_groups",
        verbose_name=_("lead unit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("recommendation group")
        verbose_name_plural = _("recommendation groups")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("recommendations:group", args=[self.pk])


class CalendarDay(models.Model):
    """A day the Government moved: an extra day off, or a Saturday/Sunday worked in exchange
    (ngày làm bù). The public holidays themselves come from the ``holidays`` package."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("extra day off")
        WORKING_DAY = "working_day", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("working calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"


class DeadlineRule(models.Model):
    """How many working days a unit has to handle a recommendation of a priority."""

    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, unique=True
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["-priority"]

    def __str__(self):
        return f"{self.get_priority_display()}: {self.working_days}"


class SentMail(models.Model):
    """A mail that went out, by a key naming what it was about: sending again with the same
    key does nothing, so a retried task or a second run of the digest never mails twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mails")
        ordering = ["-sent_at"]

    def __str__(self):
        return self.key


class DigestLine(models.Model):
    """A change to tell someone in their next digest instead of a mail of its own: what bulk
    actions and imports produce, and what could not be queued while the broker was down."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest line")
        verbose_name_plural = _("digest lines")
        indexes = [models.Index(fields=["recipient", "sent_on"], name="digestline_pending_idx")]

    def __str__(self):
        return self.text


class ListPreference(models.Model):
    """The columns one user has chosen for the triage list (``list_columns``), in their order;
    no row means the defaults. Written only by ``services.list_columns_save`` and
    ``services.list_columns_reset``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="list_preference",
        verbose_name=_("user"),
    )
    #: The chosen columns' keys, e.g. ``["status", "due", "province"]``; the text is always shown.
    columns = models.JSONField(_("columns"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("list preference")
        verbose_name_plural = _("list preferences")

    def __str__(self):
        return str(self.user)


# Defined with the reporting code it belongs to; imported here so Django registers the model.
from .reporting.models import Report  # noqa: E402, F401
