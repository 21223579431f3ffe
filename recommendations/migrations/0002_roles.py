"""Create the three roles as groups with their model permissions, so every install has them.

The permission lists are frozen here on purpose: a later change to a role gets a migration of
its own. Which rows a provincial officer may touch is decided in code (``recommendations.access``),
not by these model permissions alone.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOMAIN_APPS = ["provinces", "surveys", "recommendations"]
DOMAIN_MODELS = {
    "provinces": ["province", "formerprovince", "provincialofficer"],
    "surveys": ["sourcereport", "ministryunit", "field", "survey", "delegation", "visit", "finding"],
    "recommendations": ["authority", "recommendation", "statuschange"],
}

ROLES = {
    # Admins: everything in the tracker, plus users and groups.
    "Quản trị": {
        "all_of_apps": DOMAIN_APPS,
        "extra": [
            ("auth", "user", ["add", "change", "delete", "view"]),
            ("auth", "group", ["view"]),
            ("admin", "logentry", ["view"]),
        ],
    },
    # Ministry staff: read everything; record and triage findings, visits and recommendations.
    "Cán bộ Bộ": {
        "view_all": True,
        "extra": [
            ("recommendations", "recommendation", ["add", "change"]),
            ("surveys", "finding", ["add", "change"]),
            ("surveys", "visit", ["add", "change"]),
        ],
    },
    # Provincial officers: read; change recommendations (their own province only, enforced in code).
    "Cán bộ tỉnh": {
        "view_all": True,
        "extra": [("recommendations", "recommendation", ["change"])],
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate finishes; create them now so the
    # groups can be given them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(app_label, model, actions):
        return Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )

    for name, spec in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        if spec.get("all_of_apps"):
            wanted += list(Permission.objects.filter(content_type__app_label__in=spec["all_of_apps"]))
        if spec.get("view_all"):
            for app_label, models in DOMAIN_MODELS.items():
                for model in models:
                    if model != "provincialofficer":
                        wanted += list(perms(app_label, model, ["view"]))
        for app_label, model, actions in spec["extra"]:
            wanted += list(perms(app_label, model, actions))
        group.permissions.add(*wanted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("provinces", "0001_initial"),
        ("surveys", "0001_initial"),
        ("recommendations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
