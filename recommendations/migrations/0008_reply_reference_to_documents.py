"""Each distinct (reply_reference, reply_date) becomes a reply document linked to the
recommendations that named it. Nothing is lost: the old columns are kept, read-only."""

from django.db import migrations


def forwards(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    ReplyDocument = apps.get_model("recommendations", "ReplyDocument")
    documents = {}
    rows = (
        Recommendation.objects.exclude(reply_reference="")
        .values_list("pk", "reply_reference", "reply_date")
        .order_by("pk")
    )
    links = []
    for pk, reference, date in rows.iterator():
        key = (reference.strip(), date)
        if key not in documents:
            documents[key] = ReplyDocument.objects.create(
                number=key[0], issued_on=date, summary="", is_public=False
            )
        links.append(
            Recommendation.documents.through(recommendation_id=pk, replydocument_id=documents[key].pk)
        )
    Recommendation.documents.through.objects.bulk_create(links, batch_size=1000)


def backwards(apps, schema_editor):
    # The old columns were never cleared: undoing only forgets the documents made here.
    ReplyDocument = apps.get_model("recommendations", "ReplyDocument")
    ReplyDocument.objects.filter(files__isnull=True, summary="", created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0007_reply_documents_evidence_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
