"""Give the admin role the import permissions added with the visit-notes import.

Ministry staff and provincial officers do not get them by default: an admin grants them to the
people who import (a provincial officer's import is then limited to their own province in code).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_ROLE = "Quản trị"
IMPORT_PERMISSIONS = [
    ("provinces", "import_province"),
    ("surveys", "import_delegation"),
    ("surveys", "import_visit"),
    ("surveys", "import_finding"),
    ("surveys", "import_visit_notes"),
    ("recommendations", "import_recommendation"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ADMIN_ROLE)
    for app_label, codename in IMPORT_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ADMIN_ROLE).first()
    if group is not None:
        for app_label, codename in IMPORT_PERMISSIONS:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("provinces", "0002_import_permission"),
        ("surveys", "0002_import_batch"),
        ("recommendations", "0003_import_batch_and_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
