""" "Việc của tôi" (the page everyone lands on) and the hold/resume actions of the detail page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, work
from .models import Recommendation
from .services import (
    StaleRecommendation,
    recommendation_hold,
    recommendation_resume,
    refusal_messages,
)


def my_work(request):
    """An officer's province or a staff member's units, by what they must do; admins and
    people without a unit or province get the national overview."""
    role = work.role_of(request.user)
    if role is None:
        return redirect("recommendations:dashboard")
    today = timezone.localdate()
    sections = work.sections_for(request.user, today=today)
    context = {"sections": sections, "role": role, "today": today}
    if role == "officer":
        context["province"] = request.user.provincial_officer.province
    else:
        context["units"] = request.user.ministry_units.order_by("name")
    return render(request, "recommendations/my_work.html", context)


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_POST
def recommendation_hold_view(request, pk):
    recommendation = get_object_or_404(Recommendation, pk=pk)
    if not access.is_ministry_staff(request.user):
        raise PermissionDenied(_("You may not change this recommendation."))
    try:
        recommendation_hold(
            recommendation=recommendation,
            by=request.user,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
    except StaleRecommendation as error:
        messages.error(request, " ".join(error.messages))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(refusal_messages(error)))
    else:
        messages.success(request, _("The recommendation is on hold: its clock is stopped."))
    return redirect(recommendation)


@require_POST
def recommendation_resume_view(request, pk):
    recommendation = get_object_or_404(Recommendation, pk=pk)
    if not access.is_ministry_staff(request.user):
        raise PermissionDenied(_("You may not change this recommendation."))
    try:
        recommendation = recommendation_resume(
            recommendation=recommendation, by=request.user, expected_version=_version(request)
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(refusal_messages(error)))
    else:
        messages.success(request, _("The recommendation's clock runs again."))
    return redirect(recommendation)
