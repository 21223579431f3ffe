from django.urls import path

from . import views, views_columns, views_evidence, work_views
from .reporting import views as reports

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
    path("recommendations/columns/", views_columns.list_columns_view, name="list_columns"),
    path("recommendations/<int:pk>/", views.RecommendationDetailView.as_view(), name="detail"),
    path("recommendations/<int:pk>/status/", views.recommendation_move, name="move"),
    path("recommendations/<int:pk>/note/", views.recommendation_note, name="note"),
    path("recommendations/<int:pk>/triage/", views.recommendation_triage_view, name="triage"),
    path("recommendations/<int:pk>/hold/", work_views.recommendation_hold_view, name="hold"),
    path("recommendations/<int:pk>/resume/", work_views.recommendation_resume_view, name="resume"),
    # Reply documents, evidence files and groups (issue 12).
    path("documents/", views_evidence.document_list, name="documents"),
    path("documents/new/", views_evidence.document_new, name="document_new"),
    path("documents/<int:pk>/", views_evidence.document_detail, name="document"),
    path("files/<int:pk>/", views_evidence.file_download, name="file_download"),
    path("groups/", views_evidence.group_list, name="groups"),
    path("groups/new/", views_evidence.group_new, name="group_new"),
    path(
        "groups/from-selection/", views_evidence.group_from_selection, name="group_from_selection"
    ),
    path("groups/<int:pk>/", views_evidence.group_detail, name="group"),
    path("groups/<int:pk>/members/", views_evidence.group_members, name="group_members"),
    path("groups/<int:pk>/answer/", views_evidence.group_answer_view, name="group_answer"),
    path(
        "recommendations/<int:pk>/group/",
        views_evidence.group_from_suggestions,
        name="group_from_suggestions",
    ),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/<str:fmt>/", reports.report_download, name="report_download"),
]
