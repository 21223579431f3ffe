"""Each user's columns of the triage list: the "Choose columns" form's one POST address.

A plain form (it works without JavaScript) that saves or resets the signed-in user's own
choice through the services – never anyone else's: the user comes from the session, not from
the form – and leads back to the list as it was (its filters, order and page).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .services import list_columns_reset, list_columns_save

RESET = "reset"


def _back(request) -> str:
    """The list the form was on (``next``), or the bare list when ``next`` leads elsewhere."""
    url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else reverse("recommendations:list")


@require_POST
def list_columns_view(request):
    """Save the ticked columns (in the form's order), or restore the defaults."""
    try:
        if request.POST.get("action") == RESET:
            list_columns_reset(user=request.user)
            messages.success(request, _("The default columns are shown again."))
        else:
            list_columns_save(user=request.user, columns=request.POST.getlist("columns"))
            messages.success(request, _("Your choice of columns is saved."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        messages.error(request, _("Nothing was saved."))
    return redirect(_back(request))
