"""Send the day's digests: ``manage.py send_reminders [--date dd/mm/yyyy] [--dry-run]``.

The beat scheduler runs the same thing every working day at 07:30; this command is for an
operator (a missed day, a check). Running it twice for a date sends nothing new.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recommendations import reminders, workdays


class Command(BaseCommand):
    help = "Send each person the digest of what they must do (at most one a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="dd/mm/yyyy (default: today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would get a digest; send nothing."
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        if date:
            try:
                today = datetime.datetime.strptime(date, "%d/%m/%Y").date()
            except ValueError as error:
                raise CommandError(f"--date: “{date}” is not a date dd/mm/yyyy.") from error
        else:
            today = timezone.localdate()
        if not workdays.is_working_day(today):
            self.stdout.write(f"{today:%d/%m/%Y} is not a working day: the digest still goes.")
        users = reminders.send_reminders(today, dry_run=dry_run)
        verb = "would get" if dry_run else "got"
        for user in users:
            self.stdout.write(f"{user.get_username()} <{user.email}> {verb} the digest")
        self.stdout.write(f"{len(users)} digest(s) {'to send' if dry_run else 'sent'}.")
