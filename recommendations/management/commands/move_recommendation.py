from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import BaseCommand, CommandError

from recommendations.models import Recommendation, Status
from recommendations.services import recommendation_transition, refusal_messages


class Command(BaseCommand):
    help = (
        "Move a recommendation (by key or id) to another status through the lifecycle, as the "
        "pages do: the same allowed transitions, the same required notes, a history entry."
    )

    def add_arguments(self, parser):
        parser.add_argument("recommendation", help="The recommendation's key or numeric id.")
        parser.add_argument("status", choices=Status.values)
        parser.add_argument("--comment", default="")
        parser.add_argument("--resolution-note", default=None)
        parser.add_argument(
            "--user",
            help="Act as this user (checked like a person in the pages); without it the "
            "command acts as the system and the history says so.",
        )

    def handle(self, *args, recommendation, status, comment, resolution_note, user, **options):
        lookup = (
            {"pk": int(recommendation)} if recommendation.isdigit() else {"key": recommendation}
        )
        try:
            target = Recommendation.objects.get(**lookup)
        except Recommendation.DoesNotExist as error:
            raise CommandError(f"No recommendation {recommendation!r}.") from error
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as error:
                raise CommandError(f"No user {user!r}.") from error
        else:
            self.stdout.write("Acting as the system (no --user given).")
        try:
            result = recommendation_transition(
                recommendation=target,
                to_status=status,
                by=actor,
                comment=comment,
                resolution_note=resolution_note,
            )
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(refusal_messages(error))) from error
        self.stdout.write(
            self.style.SUCCESS(f"{result.key or result.pk}: {result.get_status_display()}")
        )
