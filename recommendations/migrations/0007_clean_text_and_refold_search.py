"""Text already stored is cleaned as new text is (NFC, no zero-width characters, soft hyphens
or control characters: ``tracker.text.clean_text``), and on PostgreSQL the folded search columns
are computed again with an expression that also composes decomposed text and drops invisible
characters, for rows written outside Django."""

from django.db import migrations

from tracker.operations import RefoldSearchColumns, clean_stored_text


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0006_recommendation_search_trigram_index"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text("recommendations"), migrations.RunPython.noop),
        RefoldSearchColumns(
            [
                ("recommendations_recommendation", "search_text", "text"),
            ]
        ),
    ]
