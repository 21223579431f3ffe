"""API tokens in the admin: an administrator issues one for a user ("Tạo token"), sees it once,
and revokes it by deleting it. Tokens are stored hashed (django-rest-knox): a lost token is
revoked and a new one issued."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from knox.admin import AuthTokenAdmin as KnoxAuthTokenAdmin
from knox.models import AuthToken

from .. import access


class AuthTokenAdmin(KnoxAuthTokenAdmin):
    list_display = ("user", "token_key", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username", "token_key")
    ordering = ("-created",)

    # Only administrators issue and revoke tokens; a token acts as its user everywhere.
    def has_module_permission(self, request):
        return access.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_add_permission(self, request):
        return access.is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        if not change:
            self.message_user(
                request,
                format_html(
                    "{} <code>{}</code>",
                    _(
                        "The token for %(user)s – copy it now, it will not be shown again; "
                        "send it as “Authorization: Token …”:"
                    )
                    % {"user": obj.user},
                    form.token,
                ),
                messages.SUCCESS,
            )


def register():
    """Replace knox's own admin (called once the admin has discovered every app)."""
    if admin.site.is_registered(AuthToken):
        admin.site.unregister(AuthToken)
    admin.site.register(AuthToken, AuthTokenAdmin)
