"""The public progress page /cong-khai/: what became of the provinces' recommendations, for
citizens and the press, without signing in.

Only what is public is ever read from the database here: the figures per province, and per
recommendation its text, province, status, lead unit, the date of its last status change and
the reply documents marked public that answer it (``PUBLIC_FIELDS``; tests/api/test_public.py
check the page renders nothing else). Never the comments of the history, the names or e-mail
addresses of officials (not even a document's signer), the resolution notes or any file but
those of a public document (``document_file``).

The figures and each page of rows are cached in the shared cache (Redis when REDIS_URL is set)
under a version number that every saved recommendation or history entry raises once its
transaction commits, so the page is fast and never stale.
"""

import csv
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from provinces.models import Province
from tracker.cache import kept
from tracker.versions import SharedVersion

from .models import (
    OPEN_STATUSES,
    DocumentFile,
    Recommendation,
    ReplyDocument,
    Status,
    StatusChange,
)

#: What the page and the downloads show of a recommendation, and nothing else.
PUBLIC_FIELDS = (
    "id",
    "province",
    "text",
    "status",
    "status_label",
    "lead_unit",
    "last_step",
    "last_step_date",
    "documents",
)
#: What the page shows of a reply document marked public (never its signer: an official's name).
PUBLIC_DOCUMENT_FIELDS = ("number", "issued_on", "summary", "files")
#: Counted as resolved: settled by the ministry, or answered at the visit itself.
RESOLVED = (Status.RESOLVED, Status.ANSWERED)
PAGE_SIZE = 50
VERSION_KEY = "public-page:version"


# --- cache invalidation ------------------------------------------------------------------------


_DATA_VERSION = SharedVersion(VERSION_KEY)
bump_on_commit = _DATA_VERSION.bump_on_commit


# Saves through the services and the admin end in these signals (connected when the app is
# ready, see apps.py). The import's bulk writes send none: the import calls bump_on_commit.
for _model in (Recommendation, StatusChange, ReplyDocument, DocumentFile):
    post_save.connect(bump_on_commit, sender=_model, dispatch_uid=f"public-{_model.__name__}")
    post_delete.connect(bump_on_commit, sender=_model, dispatch_uid=f"public-d-{_model.__name__}")
# A document cited (or no longer cited) by a recommendation changes what its row shows.
m2m_changed.connect(
    bump_on_commit, sender=Recommendation.documents.through, dispatch_uid="public-m2m-documents"
)


def data_version() -> int:
    """A number every saved recommendation, history entry, reply document or file, every
    import and every grouping raises (on commit): cached reads over them put it in their keys
    (this page, the similar suggestions, the dashboard, the list's counts, a record)."""
    return _DATA_VERSION.get()


def _cached(name: str, compute):
    return kept(
        settings.PUBLIC_PAGE_CACHE_SECONDS,
        lambda: f"public-page:{data_version()}:{translation.get_language()}:{name}",
        compute,
    )


# --- what is public ----------------------------------------------------------------------------


def summary(today=None) -> dict:
    """Received, resolved, in progress and overdue: nationwide and for each province."""
    today = today or timezone.localdate()
    counts = (
        Recommendation.objects.order_by()
        .values("province")
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=Q(status__in=RESOLVED)),
            in_progress=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        )
    )
    by_province = {row["province"]: row for row in counts}
    keys = ("received", "resolved", "in_progress", "overdue")
    rows = []
    for province in Province.objects.alphabetical():
        row = by_province.get(province.pk, {})
        rows.append(
            {"code": province.code, "name": province.name, **{k: row.get(k, 0) for k in keys}}
        )
    total = {key: sum(row[key] for row in rows) for key in keys}
    return {"provinces": rows, "total": total}


def public_rows(queryset) -> list[dict]:
    """``queryset``'s recommendations as the public sees them (``PUBLIC_FIELDS`` only)."""
    last_change = (
        StatusChange.objects.filter(recommendation=OuterRef("pk"))
        .exclude(from_status=F("to_status"))  # a status change, not a progress note
        .order_by("-changed_at", "-id")
    )
    values = queryset.annotate(
        last_step_status=Subquery(last_change.values("to_status")[:1]),
        last_step_at=Subquery(last_change.values("changed_at")[:1]),
    ).values_list(
        "pk",
        "province__name",
        "text",
        "status",
        "responsible_unit__name",
        "last_step_status",
        "last_step_at",
    )
    documents = public_documents(queryset)
    rows = []
    for pk, province, text, status, unit, step, step_at in values.iterator(chunk_size=2000):
        rows.append(
            {
                "id": pk,
                "province": province,
                "text": text,
                "status": status,
                "status_label": str(Status(status).label),
                "lead_unit": unit or "",
                "last_step": str(Status(step).label) if step else "",
                "last_step_date": timezone.localdate(step_at).isoformat() if step_at else "",
                "documents": documents.get(pk, []),
            }
        )
    return rows


def public_documents(recommendations) -> dict[int, list[dict]]:
    """The reply documents marked public that answer ``recommendations`` (a queryset or ids),
    by recommendation id: the one place the public page reads documents. Each shows
    ``PUBLIC_DOCUMENT_FIELDS`` only, its current files with their public download. Two
    queries whatever the number of rows (a subquery, not a list of 100,000 ids)."""
    links = Recommendation.documents.through.objects.filter(replydocument__is_public=True)
    if isinstance(recommendations, QuerySet):
        links = links.filter(recommendation__in=recommendations.order_by().values("pk"))
    else:
        links = links.filter(recommendation_id__in=list(recommendations))
    pairs = list(links.values_list("recommendation_id", "replydocument_id"))
    if not pairs:
        return {}
    described = {}
    files = DocumentFile.objects.filter(superseded_by=None, recommendation=None).order_by("pk")
    for document in ReplyDocument.objects.filter(
        pk__in={document_id for _rec, document_id in pairs}, is_public=True
    ).prefetch_related(Prefetch("files", queryset=files, to_attr="current_files")):
        described[document.pk] = {
            "number": document.number,
            "issued_on": document.issued_on.isoformat() if document.issued_on else "",
            "summary": document.summary,
            "files": [
                {"name": stored.name, "url": reverse("public:file", args=[stored.pk])}
                for stored in document.current_files
            ],
        }
    by_recommendation: dict[int, list[dict]] = {}
    for recommendation_id, document_id in sorted(pairs):
        if document_id in described:
            by_recommendation.setdefault(recommendation_id, []).append(described[document_id])
    return by_recommendation


def _province(request) -> Province | None:
    code = request.GET.get("province", "").strip()
    if not code:
        return None
    province = Province.objects.filter(code=code[:2]).first() if len(code) == 2 else None
    if province is None:
        raise Http404(_("No such province."))
    return province


def _queryset(province):
    queryset = Recommendation.objects.order_by("-id")
    return queryset.filter(province=province) if province else queryset


def _enabled():
    if not settings.PUBLIC_PAGE:
        raise Http404()


# --- views --------------------------------------------------------------------------------------


@login_not_required
@require_safe
def progress(request):
    """The page: the figures, then the recommendations, 50 at a time, newest first."""
    _enabled()
    province = _province(request)
    scope = province.code if province else "all"
    figures = _cached("summary", summary)
    total = (
        next(row for row in figures["provinces"] if row["code"] == province.code)
        if province
        else figures["total"]
    )
    paginator = Paginator(range(total["received"]), PAGE_SIZE, allow_empty_first_page=True)
    number = request.GET.get("page", "1")
    page = paginator.get_page(number)
    start = (page.number - 1) * PAGE_SIZE

    def rows():
        ids = list(_queryset(province).values_list("pk", flat=True)[start : start + PAGE_SIZE])
        by_id = {row["id"]: row for row in public_rows(Recommendation.objects.filter(pk__in=ids))}
        return [by_id[pk] for pk in ids if pk in by_id]

    context = {
        "figures": figures,
        "total": total,
        "province": province,
        "page": page,
        "rows": _cached(f"rows:{scope}:{page.number}", rows),
        "query_province": f"province={province.code}&" if province else "",
        "language_next": request.get_full_path(),
    }
    return render(request, "recommendations/public/progress.html", context)


@login_not_required
@require_safe
def download(request, format):
    """Open data: every recommendation the page lists for this scope, with the page's columns
    (``PUBLIC_FIELDS``), as CSV (UTF-8 with BOM, for spreadsheet programs) or JSON."""
    _enabled()
    province = _province(request)
    scope = province.code if province else "all"
    rows = public_rows(_queryset(province))
    name = f"kien-nghi-cong-khai-{scope}-{timezone.localdate():%Y%m%d}"
    if format == "json":
        body = {
            "generated_at": timezone.localtime().isoformat(),
            "fields": list(PUBLIC_FIELDS),
            "recommendations": rows,
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
    else:

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff" + writer.writerow(PUBLIC_FIELDS)
            for row in rows:
                yield writer.writerow([_safe(_cell(row[key])) for key in PUBLIC_FIELDS])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


def _cell(value):
    """A CSV cell: the documents as "number (date): summary", separated by " | "."""
    if isinstance(value, list):
        return " | ".join(
            document["number"]
            + (f" ({document['issued_on']})" if document["issued_on"] else "")
            + (f": {document['summary']}" if document["summary"] else "")
            for document in value
        )
    return value


def _safe(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet program.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@login_not_required
@require_safe
def document_file(request, pk):
    """A file of a reply document marked public and answering a recommendation, to anyone:
    the only file the public reaches. Never an evidence file, an internal document's file or
    a replaced one (all 404, as if they did not exist). Always an attachment, with
    ``nosniff``: the browser never renders it."""
    _enabled()
    stored = get_object_or_404(
        DocumentFile.objects.filter(
            recommendation=None,
            superseded_by=None,
            document__is_public=True,
            document__recommendations__isnull=False,
        ).distinct(),
        pk=pk,
    )
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file is missing from the storage.")) from error
    response = FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Asked again each time: a document made internal later is no longer served from a cache.
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_safe
def robots_txt(request):
    """Search engines may index the public page, and nothing else (the rest needs a sign-in)."""
    lines = ["User-agent: *"]
    if settings.PUBLIC_PAGE:
        lines.append("Allow: /cong-khai/")
    lines.append("Disallow: /")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
