"""Demo only: two-factor devices for the demo accounts that must use two factors, with a published key.

The key below is public (it is in the README), so it protects nothing: it exists so that a newcomer
can sign in to the demo as a partnership admin or the platform admin. ``jointly demo code EMAIL``
prints the current code. Real accounts set up their own app on first sign-in.
"""

from __future__ import annotations

from collections import Counter

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jointly.accounts.models import User, requires_two_factor

DEMO_DOMAIN = "@jointly.test"
DEMO_TOTP_KEY_HEX = b"jointly-demo-2fa-key".hex()  # base32: NJXWS3TUNR4S2ZDFNVXS2MTGMEWWWZLZ
DEVICE_NAME = "Demo authenticator (published key)"


def load(stats: Counter[str]) -> None:
    for user in User.objects.filter(email__endswith=DEMO_DOMAIN):
        if requires_two_factor(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=DEMO_TOTP_KEY_HEX, confirmed=True)
            stats["TOTPDevice created"] += 1


def current_code(email: str) -> str:
    """The code a demo account's authenticator would show now. Refuses any account but a demo one."""
    device = TOTPDevice.objects.filter(
        user__email__iexact=email, user__email__endswith=DEMO_DOMAIN, key=DEMO_TOTP_KEY_HEX, confirmed=True
    ).first()
    if device is None:
        raise LookupError(f"{email} is not a demo account with the demo two-factor key.")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):0{device.digits}d}"
