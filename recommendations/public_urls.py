from django.urls import path

from . import public

app_name = "public"

urlpatterns = [
    path("", public.progress, name="progress"),
    path("du-lieu.csv", public.download, {"format": "csv"}, name="download_csv"),
    path("du-lieu.json", public.download, {"format": "json"}, name="download_json"),
    path("van-ban/<int:pk>/", public.document_file, name="file"),
]
