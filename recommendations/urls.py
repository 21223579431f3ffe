from django.urls import path

from . import views
from .reporting import views as reports

app_name = "recommendations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recommendations/", views.RecommendationListView.as_view(), name="list"),
    path(
        "recommendations/export.csv",
        views.RecommendationExportView.as_view(format="csv"),
        name="export_csv",
    ),
    path(
        "recommendations/export.xlsx",
        views.RecommendationExportView.as_view(format="xlsx"),
        name="export_xlsx",
    ),
    path("recommendations/bulk/", views.recommendations_bulk, name="bulk"),
    path("recommendations/<int:pk>/", views.RecommendationDetailView.as_view(), name="detail"),
    path("recommendations/<int:pk>/status/", views.recommendation_move, name="move"),
    path("recommendations/<int:pk>/note/", views.recommendation_note, name="note"),
    path("recommendations/<int:pk>/triage/", views.recommendation_triage_view, name="triage"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/<str:fmt>/", reports.report_download, name="report_download"),
]
