"""Exporting any model from the admin and importing the file back changes nothing (issue 9).

Provinces and delegations come back through their own import (tests/tracker/
test_import_export.py); visits, findings and recommendations are exported in the visit-notes
format and come back through the visit-notes import, the only way they enter."""

import pytest
from django.urls import reverse

from recommendations.imports import import_visit_notes, read_table
from recommendations.models import Recommendation
from surveys.models import Finding, Visit
from tests.recommendations.test_visit_notes_import import run, snapshot

pytestmark = pytest.mark.django_db

FORMATS = {"csv": "0", "xlsx": "1"}


def export(client, model, file_format, query=""):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export") + query
    form = client.get(url).context["form"]
    data = {"format": FORMATS[file_format], "resource": "0"}
    data.update(
        {name: "on" for name, f in form.fields.items() if getattr(f, "is_selectable_field", False)}
    )
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:300]
    return response.content


@pytest.mark.parametrize("model", [Visit, Finding, Recommendation])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(client, admin_user, model, file_format):
    # What the import wrote, with a text a spreadsheet would run as a formula.
    assert run("visit_notes_sample.csv").ok
    batch = model.objects.filter(import_batch__isnull=False).values("import_batch").first()
    Finding.objects.filter(key="mau-thanh-hoa-kk-01").update(
        description="=1+1 không phải công thức"
    )
    client.force_login(admin_user)
    content = export(
        client, model, file_format, f"?import_batch__id__exact={batch['import_batch']}"
    )
    if file_format == "csv":
        assert content.startswith("\ufeff".encode())
    table = read_table(content=content, file_name=f"export.{file_format}")
    assert len(table.rows) > 0
    before = snapshot()
    report = import_visit_notes(table=table, user=admin_user, file_name="export", dry_run=False)
    assert report.ok, report.lines()
    assert (report.created, report.updated, report.visits_created, report.visits_updated) == (
        0,
        0,
        0,
        0,
    ), report.lines(every_row=True)
    assert snapshot()[:3] == before[:3]


def test_visits_created_by_the_import_get_a_key():
    assert run("visit_notes_sample.csv").ok
    keys = list(Visit.objects.filter(import_batch__isnull=False).values_list("key", flat=True))
    assert keys and all(keys)
