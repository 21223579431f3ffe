from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from tracker.views import LoginView, healthz

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("", include("recommendations.urls")),
    path("", include("surveys.urls")),
    path("provinces/", include("provinces.urls")),
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
