"""The triage list's text search is ``search_text LIKE '%term%'``; on PostgreSQL a trigram
index answers it without reading the whole table (a sequential scan of 100,000 rows otherwise)."""

from django.db import migrations

from tracker.operations import trigram_index


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0005_merge_list_indexes_and_import")]

    operations = [
        trigram_index(
            "recommendations_recommendation", "search_text", "rec_search_trgm_idx"
        ),
    ]
