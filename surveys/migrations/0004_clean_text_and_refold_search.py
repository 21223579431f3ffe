"""Text already stored is cleaned as new text is (NFC, no zero-width characters, soft hyphens
or control characters: ``tracker.text.clean_text``), and on PostgreSQL the folded search columns
are computed again with an expression that also composes decomposed text and drops invisible
characters, for rows written outside Django."""

from django.db import migrations

from tracker.operations import RefoldSearchColumns, clean_stored_text


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_finding_search_trigram_index"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text("surveys"), migrations.RunPython.noop),
        RefoldSearchColumns(
            [
                ("surveys_ministryunit", "search_name", "name"),
                ("surveys_field", "search_name", "name"),
                ("surveys_finding", "search_text", "description"),
            ]
        ),
    ]
