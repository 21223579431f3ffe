from django.core.management import BaseCommand, call_command
from django.db import transaction

from provinces.models import Province
from surveys.models import Survey

REFERENCE_FIXTURE = "reference"
CAMPAIGN_FIXTURES = {"khao-sat-chinh-quyen-hai-cap-2025": "campaign_2025"}


class Command(BaseCommand):
    help = (
        "Load the reference data (34 provinces, ministry units, fields, addressees) and the "
        "2025 campaign seeded from the two source reports. Parts already loaded are left alone, "
        "so work done on seeded recommendations survives; --reload loads everything again "
        "(idempotent: rows are matched on their natural keys and updated in place)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Load every fixture again, overwriting edits made to seeded rows.",
        )

    def handle(self, *args, reload=False, verbosity=1, **options):
        fixtures = []
        if reload or not Province.objects.exists():
            fixtures.append(REFERENCE_FIXTURE)
        for slug, fixture in CAMPAIGN_FIXTURES.items():
            if reload or not Survey.objects.filter(slug=slug).exists():
                fixtures.append(fixture)
        if not fixtures:
            self.stdout.write("Seed data already loaded (use --reload to load it again).")
            return
        with transaction.atomic():
            call_command("loaddata", *fixtures, verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS(f"Loaded: {', '.join(fixtures)}."))
