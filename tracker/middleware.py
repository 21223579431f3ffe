from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page of the tracker needs a signed-in user (views opt out with
    ``login_not_required``), except the admin, which keeps its own login page and its own
    staff check."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
