from django.urls import path

from . import views, work_views

app_name = "recommendations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("viec-cua-toi/", work_views.my_work, name="my_work"),
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
    path("recommendations/<int:pk>/hold/", work_views.recommendation_hold_view, name="hold"),
    path("recommendations/<int:pk>/resume/", work_views.recommendation_resume_view, name="resume"),
]
