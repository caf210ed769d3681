from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jointly.accounts.models import ApiToken, User, token_max_lifetime

ACTIONS = ("create", "revoke", "list")


class Command(BaseCommand):
    help = (
        "Manage API tokens. `jointly token create --user EMAIL` (or `jointly token EMAIL`) creates a new "
        "named token and prints its secret as the last line; `revoke` revokes all of the person's tokens "
        "(or one, with --name); `list` lists them (never the secrets)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "words", nargs="*", metavar="[ACTION] [EMAIL]", help="create (default), revoke or list"
        )
        parser.add_argument("--user", help="The person's email address")
        parser.add_argument("--name", help="The token's name (default: 'Command line <date>')")
        parser.add_argument(
            "--expires-days", type=int, default=90, help="Days until it expires (default 90; 0: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        words = list(options["words"])
        action = words.pop(0) if words and words[0] in ACTIONS else "create"
        if len(words) > 1 or (words and options["user"]):
            raise CommandError("Give one email address.")
        email = options["user"] or (words[0] if words else None)
        if not email:
            raise CommandError("Give the person's email address (--user EMAIL).")
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user with email {email!r}.") from exc
        tokens = ApiToken.objects.filter(user=user)
        if options["name"]:
            tokens = tokens.filter(name=options["name"])
        if action == "revoke":
            revoked = tokens.revoke()
            self.stdout.write(f"Revoked {revoked} token(s)." if revoked else "No active token to revoke.")
            return
        if action == "list":
            for token in tokens:
                expires = token.expires_at.isoformat() if token.expires_at else "never"
                self.stdout.write(f"{token.prefix}…  {token.status:<8} expires {expires}  {token.name}")
            return
        self.create(user, options)

    def create(self, user: User, options: dict[str, Any]) -> None:
        now = timezone.now()
        days = options["expires_days"]
        if days < 0:
            raise CommandError("--expires-days must be 0 (never) or more.")
        expires_at = now + timedelta(days=days) if days else None
        limit = token_max_lifetime(user)
        if limit is not None and (expires_at is None or expires_at - now > limit):
            expires_at = now + limit
            self.stderr.write(
                f"This account must use two-factor sign-in, so its token expires in {limit.total_seconds() / 3600:g} "
                "hours."
            )
        name = options["name"] or f"Command line {now:%Y-%m-%d %H:%M}"
        _, secret = ApiToken.objects.issue(user, name, expires_at=expires_at)
        self.stderr.write("The secret is shown once, below. Keep it safe: it cannot be shown again.")
        self.stdout.write(secret)
