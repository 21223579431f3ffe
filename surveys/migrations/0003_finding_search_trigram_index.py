"""Text search over findings is ``search_text LIKE '%term%'``; on PostgreSQL a trigram index
answers it without reading the whole table."""

from django.db import migrations

from tracker.operations import trigram_index


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_import_batch")]

    operations = [
        trigram_index("surveys_finding", "search_text", "finding_search_trgm_idx"),
    ]
