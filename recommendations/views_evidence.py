"""Pages of the reply documents register, the file download and the groups (issue 12).

Every write calls a service of ``documents`` or ``groups``; every refusal is a Vietnamese
message on the page, never a 500."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import access
from .documents import document_create, may_read_file
from .forms import add_service_errors
from .forms_evidence import DocumentForm, GroupAnswerForm, GroupForm
from .groups import (
    group_add_members,
    group_answer,
    group_create,
    group_documents,
    group_progress,
    group_remove_member,
)
from .models import (
    CLOSED_STATUSES,
    DocumentFile,
    Recommendation,
    RecommendationGroup,
    ReplyDocument,
    Status,
    StatusChange,
)
from .similarity import similar_to


def _staff_only(user):
    if not access.is_ministry_staff(user):
        raise PermissionDenied(_("Only ministry staff may do this."))


# --- files --------------------------------------------------------------------------------


def file_download(request, pk):
    """A stored file, to a signed-in reader who may read it, always as an attachment: the
    browser never renders it, and ``nosniff`` stops it guessing another type."""
    stored = get_object_or_404(DocumentFile.objects.select_related("recommendation"), pk=pk)
    if not access.can_view(request.user) or not may_read_file(request.user, stored):
        raise PermissionDenied(_("You may not read this file."))
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file is missing from the storage.")) from error
    response = FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- reply documents ----------------------------------------------------------------------


def document_list(request):
    documents = ReplyDocument.objects.annotate(
        answered=Count("recommendations", distinct=True)
    ).order_by("-issued_on", "-id")[:200]
    return render(
        request,
        "recommendations/document_list.html",
        {"documents": documents, "may_add": access.is_ministry_staff(request.user)},
    )


def document_detail(request, pk):
    document = get_object_or_404(ReplyDocument, pk=pk)
    if not document.is_public and not access.can_view(request.user):
        raise PermissionDenied
    context = {
        "document": document,
        "files": document.files.filter(superseded_by=None),
        "old_files": document.files.exclude(superseded_by=None),
        "recommendations": document.recommendations.select_related("province").order_by("pk"),
    }
    return render(request, "recommendations/document_detail.html", context)


def document_new(request):
    _staff_only(request.user)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_create(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error, fallback="number")
        else:
            messages.success(request, _("Document %(number)s recorded.") % {"number": document})
            back = request.POST.get("next", "")
            if back.startswith("/") and not back.startswith("//"):
                return redirect(back)
            return redirect(document)
    return render(
        request,
        "recommendations/document_form.html",
        {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))},
    )


# --- groups -------------------------------------------------------------------------------


def group_list(request):
    groups = RecommendationGroup.objects.select_related("lead_unit").annotate(
        total=Count("members"),
        closed=Count("members", filter=Q(members__status__in=CLOSED_STATUSES)),
    )
    return render(request, "recommendations/group_list.html", {"groups": groups})


def group_detail(request, pk, answer_form=None, result=None):
    group = get_object_or_404(RecommendationGroup.objects.select_related("lead_unit"), pk=pk)
    members = list(
        group.members.select_related("province", "responsible_unit").order_by("province__name")
    )
    staff = access.is_ministry_staff(request.user)
    search = request.GET.get("q", "").strip()
    found = []
    if staff and search:
        found = list(
            Recommendation.objects.search(search)
            .filter(group=None)
            .select_related("province")
            .order_by("province__name", "pk")[:20]
        )
    context = {
        "group": group,
        "members": members,
        "progress": group_progress(group),
        "documents": group_documents(group),
        "staff": staff,
        "answer_form": answer_form or (GroupAnswerForm() if staff else None),
        "search": search,
        "found": found,
        "result": result,
    }
    return render(request, "recommendations/group_detail.html", context)


def group_new(request):
    """A new group, from the suggestions of a recommendation's page (``from``: that
    recommendation, ``with``: the suggested ones) or empty."""
    _staff_only(request.user)
    form = GroupForm(request.POST or None)
    ids = [int(v) for v in request.POST.getlist("members") if v.isdigit() and len(v) < 16]
    if request.method == "POST" and form.is_valid():
        members = list(Recommendation.objects.filter(pk__in=ids))
        try:
            group = group_create(by=request.user, members=members, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error, fallback="title")
        else:
            messages.success(
                request,
                ngettext(
                    "Group created with %(count)s recommendation.",
                    "Group created with %(count)s recommendations.",
                    len(members),
                )
                % {"count": len(members)},
            )
            return redirect(group)
    members = Recommendation.objects.filter(pk__in=ids).select_related("province")
    return render(request, "recommendations/group_form.html", {"form": form, "members": members})


@require_POST
def group_from_suggestions(request, pk):
    """One click on a recommendation's page: this one and its suggested similar ones form a
    group titled after it (ministry staff then rename it if they wish)."""
    _staff_only(request.user)
    recommendation = get_object_or_404(Recommendation, pk=pk)
    wanted = {int(v) for v in request.POST.getlist("members") if v.isdigit() and len(v) < 16}
    suggested = {item.recommendation.pk for item in similar_to(recommendation)}
    ids = {recommendation.pk} | (wanted & suggested if wanted else suggested)
    members = Recommendation.objects.filter(pk__in=ids)
    free = [member for member in members if member.group_id is None]
    title = (
        recommendation.text if len(recommendation.text) <= 120 else recommendation.text[:119] + "…"
    )
    try:
        if recommendation.group_id is not None:
            group = recommendation.group
            added = [m for m in free if m.pk != recommendation.pk]
            group_add_members(group=group, by=request.user, recommendations=added)
        else:
            group = group_create(
                by=request.user,
                title=title,
                lead_unit=recommendation.responsible_unit,
                members=free,
            )
    except ValidationError as error:  # someone grouped one of them meanwhile
        for message in error.messages:
            messages.error(request, message)
        return redirect(recommendation)
    skipped = len(ids) - len(free)
    if skipped and recommendation.group_id is None:
        messages.warning(
            request,
            ngettext(
                "%(count)s suggested recommendation is in another group and stays there.",
                "%(count)s suggested recommendations are in another group and stay there.",
                skipped,
            )
            % {"count": skipped},
        )
    messages.success(request, _("Group “%(title)s” is ready.") % {"title": group})
    return redirect(group)


@require_POST
def group_from_selection(request):
    """The list's bulk form: the ticked recommendations become a new group."""
    _staff_only(request.user)
    # As the bulk form: the ticked rows, or every row of the page when its box is ticked.
    raw = request.POST.getlist("page_ids" if request.POST.get("select_page") else "ids")
    ids = sorted({int(v) for v in raw if v.isascii() and v.isdigit() and len(v) < 16})
    title = request.POST.get("group_title", "").strip()
    back = reverse("recommendations:list")
    if not ids or not title:
        messages.error(
            request, _("Tick the recommendations and give the group a title to create a group.")
        )
        return redirect(back)
    members = list(Recommendation.objects.filter(pk__in=ids))
    try:
        group = group_create(by=request.user, title=title, members=members)
    except (ValidationError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("Group “%(title)s” is ready.") % {"title": group})
    return redirect(group)


@require_POST
def group_members(request, pk):
    """Add (search results ticked) or remove members on the group page."""
    _staff_only(request.user)
    group = get_object_or_404(RecommendationGroup, pk=pk)
    ids = [int(v) for v in request.POST.getlist("add") if v.isdigit() and len(v) < 16]
    remove = [int(v) for v in request.POST.getlist("remove") if v.isdigit() and len(v) < 16]
    try:
        if ids:
            group_add_members(
                group=group,
                by=request.user,
                recommendations=list(Recommendation.objects.filter(pk__in=ids)),
            )
        for recommendation in Recommendation.objects.filter(pk__in=remove, group=group):
            group_remove_member(group=group, by=request.user, recommendation=recommendation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Members updated."))
    return redirect(group)


@require_POST
def group_answer_view(request, pk):
    """One answer for the ticked open members, each through its own services."""
    _staff_only(request.user)
    group = get_object_or_404(RecommendationGroup, pk=pk)
    form = GroupAnswerForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("members") if v.isdigit() and len(v) < 16]
    if not ids:
        form.add_error(None, _("Tick at least one member to answer."))
    if not form.is_valid():
        return group_detail(request, pk, answer_form=form)
    data = form.cleaned_data
    chosen = list(
        Recommendation.objects.filter(pk__in=ids).select_related("province").order_by("pk")
    )
    result = group_answer(
        group=group,
        by=request.user,
        recommendations=chosen,
        target_status=data["status"],
        comment=data["comment"],
        resolution_note=data["resolution_note"] or None,
        document=data["document"],
        no_document_reason=data["no_document_reason"],
    )
    if result.moved:
        messages.success(
            request,
            ngettext(
                "%(count)s recommendation moved, each with its own history entry.",
                "%(count)s recommendations moved, each with its own history entry.",
                len(result.moved),
            )
            % {"count": len(result.moved)},
        )
    for recommendation, reason in result.refused:
        messages.warning(
            request,
            _("Not changed: %(recommendation)s – %(reason)s")
            % {"recommendation": recommendation, "reason": reason},
        )
    return redirect(group)


def evidence_context(user, recommendation) -> dict:
    """What the detail page shows of issue 12 beside its record: the similar recommendations
    and whether this user may group them. (The evidence behind the current step and the
    documents cited are part of the record's sections: ``RecommendationDetailView``.)"""
    return {
        "similar": similar_to(recommendation),
        "may_group": access.is_ministry_staff(user),
    }


def proposal_of(recommendation, history) -> StatusChange | None:
    """The proposal of closure the ministry is deciding on (its evidence is shown before the
    buttons), from the recommendation's ``history``; None unless a closure is proposed."""
    if recommendation.status != Status.RESOLUTION_PROPOSED:
        return None
    return next(  # the history is newest first: the latest proposal
        (
            entry
            for entry in history
            if entry.to_status == Status.RESOLUTION_PROPOSED
            and entry.from_status != entry.to_status
        ),
        None,
    )
