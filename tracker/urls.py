from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.views.i18n import set_language

from recommendations.api.schema import SchemaView, SwaggerView
from recommendations.public import robots_txt
from tracker.views import LoginView, healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("cong-khai/", include("recommendations.public_urls")),
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
    path("api/v1/", include("recommendations.api.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    # The documentation pages are pages: a visitor who is not signed in goes to the login page.
    path(
        "api/docs/",
        login_required(SwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # No Redoc: its styled-components inject <style> elements, which the strict CSP refuses
    # (the page shows "Something went wrong"); Swagger UI needs no inline style or script.
]

# The error pages in the site's layout and language (tracker/errors.py); 405 and the CSRF
# failure page are set in the settings (MIDDLEWARE, CSRF_FAILURE_VIEW).
handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
