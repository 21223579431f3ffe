"""A report built (or being built): who asked, for what, how far it got, and its files."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Kind(models.TextChoices):
        ON_REQUEST = "request", _("on request")
        MONTHLY = "monthly", _("monthly")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    date_from = models.DateField(_("from"))
    as_of = models.DateField(_("as of"))
    #: The filters as ids and codes (campaign, provinces, units, fields), for the task and the list.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    #: A readable summary of the parameters, written once when the report is asked for.
    description = models.CharField(_("parameters"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Private files in the default storage; served only through the download view.
    docx = models.FileField(_("DOCX"), upload_to="reports/%Y/%m/", blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to="reports/%Y/%m/", blank=True)
    csv = models.FileField(_("CSV (zip)"), upload_to="reports/%Y/%m/", blank=True)

    class Meta:
        app_label = "recommendations"
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return _("Report as of %(date)s") % {"date": self.as_of.strftime("%d/%m/%Y")}

    def get_absolute_url(self):
        return reverse("recommendations:report", args=[self.pk])
