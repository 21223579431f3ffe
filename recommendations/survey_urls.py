from django.urls import path

from . import survey_views as views

app_name = "surveys"

urlpatterns = [
    path("obstacles/", views.ObstacleListView.as_view(), name="obstacle_list"),
    path("obstacles/<int:pk>/", views.ObstacleDetailView.as_view(), name="obstacle_detail"),
    path("delegations/", views.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation_detail"),
]
