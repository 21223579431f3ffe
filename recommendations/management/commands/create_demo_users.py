from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from provinces.models import Province, ProvincialOfficer
from recommendations import roles
from surveys.models import MinistryUnit

DEMO_PASSWORD = "demo-2025"

# username, full name, role, province code (officers), ministry unit (staff)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", roles.ADMIN, None, None),
    ("bo", "Cán bộ Bộ KH&CN", roles.MINISTRY_STAFF, None, "Vụ Pháp chế"),
    ("quangninh", "Cán bộ Sở KH&CN Quảng Ninh", roles.PROVINCIAL_OFFICER, "22", None),
    ("bacninh", "Cán bộ Sở KH&CN Bắc Ninh", roles.PROVINCIAL_OFFICER, "24", None),
]


class Command(BaseCommand):
    help = "Create or reset the demo accounts of each role (DEBUG installs only) and print them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-debug",
            action="store_true",
            help="On a production install (DEBUG off), say so and do nothing instead of failing.",
        )

    def handle(self, *args, if_debug=False, **options):
        if not settings.DEBUG:
            if if_debug:
                self.stdout.write("DEBUG is off: no demo accounts on a production install.")
                return
            raise CommandError("Demo accounts are only created when DEBUG is on.")
        User = get_user_model()
        with transaction.atomic():
            for username, full_name, role, province_code, unit_name in DEMO_USERS:
                user, _ = User.objects.get_or_create(username=username)
                user.first_name = full_name
                user.email = f"{username}@example.invalid"
                user.is_staff = True
                user.is_superuser = role == roles.ADMIN
                user.is_active = True
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
                if province_code:
                    province = Province.objects.get(code=province_code)
                    ProvincialOfficer.objects.update_or_create(
                        user=user, defaults={"province": province}
                    )
                if unit_name:
                    MinistryUnit.objects.get(name=unit_name).members.add(user)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, full_name, role, province_code, _unit in DEMO_USERS:
            where = f", {Province.objects.get(code=province_code)}" if province_code else ""
            self.stdout.write(f"  {username:<10} {role}{where} – {full_name}")
