from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from tracker.views import LoginView, healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("", include("recommendations.urls")),
    path("", include("recommendations.survey_urls")),
    path("provinces/", include("recommendations.province_urls")),
    path(
        "accounts/login/",
        LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language can be switched before signing in, so the login page is readable in both.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

# The error pages in the site's layout and language (tracker/errors.py); 405 and the CSRF
# failure page are set in the settings (MIDDLEWARE, CSRF_FAILURE_VIEW).
handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
