from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from jointly.accounts.models import User


class Command(BaseCommand):
    help = "Manage API tokens: `jointly token create --user EMAIL` prints the user's token."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("--user", required=True, help="The person's email address")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["user"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user with email {options['user']!r}.") from exc
        if options["action"] == "revoke":
            deleted, _ = Token.objects.filter(user=user).delete()
            self.stdout.write("Token revoked." if deleted else "The user had no token.")
            return
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
