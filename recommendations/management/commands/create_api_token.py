"""Issue an API token for a user and print it once (it is stored hashed: it cannot be shown
again). Revoke it in the admin (Knox › Auth tokens) or with --revoke-all."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken


class Command(BaseCommand):
    help = "Create an API token for a user and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--revoke-all", action="store_true", help="Revoke the user's tokens instead."
        )

    def handle(self, *args, username, revoke_all=False, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        if not user.is_active:
            raise CommandError(f"{username!r} is not active.")
        if revoke_all:
            count, _details = AuthToken.objects.filter(user=user).delete()
            self.stdout.write(f"Revoked {count} token(s) of {username}.")
            return
        token, key = AuthToken.objects.create(user)
        expiry = token.expiry.isoformat() if token.expiry else "never"
        self.stderr.write(
            f"Token for {username}, valid until {expiry}. It is shown only now; send it as "
            f"'Authorization: Token <token>'."
        )
        self.stdout.write(key)
