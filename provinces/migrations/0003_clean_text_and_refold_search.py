"""Text already stored is cleaned as new text is (NFC, no zero-width characters, soft hyphens
or control characters: ``tracker.text.clean_text``), and on PostgreSQL the folded search columns
are computed again with an expression that also composes decomposed text and drops invisible
characters, for rows written outside Django."""

from django.db import migrations

from tracker.operations import RefoldSearchColumns, clean_stored_text


class Migration(migrations.Migration):
    dependencies = [
        ("provinces", "0002_import_permission"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text("provinces"), migrations.RunPython.noop),
        RefoldSearchColumns(
            [
                ("provinces_province", "search_name", "name"),
                ("provinces_formerprovince", "search_name", "name"),
            ]
        ),
    ]
