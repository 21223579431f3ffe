"""The "Báo cáo" page: every report built, a form to ask for one, its progress, its files.

Who may: ministry staff and admins. Provincial officers may not – a report covers every
province, and its annex lists other provinces' open recommendations with their units; an
officer's own figures are on their province's page. Files are read from the private storage
and streamed only after that check.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .. import access
from .forms import ReportForm
from .models import Report
from .services import report_request
from .tasks import build_report

logger = logging.getLogger(__name__)
REPORTS_SHOWN = 50
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}


def _check(user):
    if not access.is_ministry_staff(user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def report_list(request):
    _check(request.user)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = report_request(
            by=request.user,
            as_of=form.cleaned_data["as_of"],
            date_from=form.cleaned_data["start"],
            filters=form.scope_filters(),
            description=form.description(),
        )
        try:
            build_report.delay(report.pk)
        except Exception:  # noted on the report by the task; the page shows it as failed
            logger.exception("Report %s could not be built", report.pk)
        return redirect(report)
    reports = Report.objects.select_related("requested_by")[:REPORTS_SHOWN]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reports/report_list.html", {"form": form, "reports": reports}, status=status
    )


def report_detail(request, pk):
    _check(request.user)
    report = get_object_or_404(Report.objects.select_related("requested_by"), pk=pk)
    template = "reports/report_detail.html"
    if request.htmx:  # the progress panel polls itself until the report is ready
        template = "reports/includes/progress.html"
    return render(request, template, {"report": report})


def report_download(request, pk, fmt):
    _check(request.user)
    report = get_object_or_404(Report, pk=pk)
    if fmt not in FORMATS or report.state != Report.State.DONE:
        raise Http404
    file = getattr(report, fmt)
    if not file:
        raise Http404
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=file.name.rsplit("/", 1)[-1],
        content_type=FORMATS[fmt],
    )
