"""Give the history entries written before the snapshot columns the state they can be given.

An approximation, documented in the README ("Reports as of a date"): the history never kept
the unit and due date of its past, only today's row has them. Every existing entry therefore
gets the recommendation's *current* unit and due date, and "not on hold". A report as of a
date before this migration shows those recommendations under their current unit and due
date; entries written afterwards carry their real state.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    StatusChange = apps.get_model("recommendations", "StatusChange")
    Recommendation = apps.get_model("recommendations", "Recommendation")
    row = Recommendation.objects.filter(pk=OuterRef("recommendation_id"))
    StatusChange.objects.update(
        responsible_unit_id=Subquery(row.values("responsible_unit_id")[:1]),
        due_date=Subquery(row.values("due_date")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0007_statuschange_state_snapshot")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
