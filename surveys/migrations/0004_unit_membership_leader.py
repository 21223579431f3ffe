"""The plain unit ↔ staff many-to-many becomes ``UnitMembership`` with an ``is_leader`` flag.

The table and its rows stay as they are (same name, same columns, same unique pair); only
Django's picture of them changes, then the flag is added with a default.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_finding_search_trigram_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="UnitMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                db_column="ministryunit_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                to="surveys.ministryunit",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "unit membership",
                        "verbose_name_plural": "unit memberships",
                        "db_table": "surveys_ministryunit_members",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("unit", "user"), name="unit_membership_unique"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="ministryunit",
                    name="members",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text=(
                            "Ministry staff who work in this unit and are notified of its "
                            "assignments."
                        ),
                        related_name="ministry_units",
                        through="surveys.UnitMembership",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staff members",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="unitmembership",
            name="is_leader",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Leaders receive the escalation of the unit's long-overdue recommendations."
                ),
                verbose_name="leader",
            ),
        ),
    ]
