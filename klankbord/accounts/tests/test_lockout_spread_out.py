"""Attacks spread over many accounts or many addresses are slowed down too.

django-axes alone counts one account on one address. These tests are the two attacks that get
around that: one password sprayed over many accounts from one address, and one account tried
from many addresses.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import mail
from django.test import Client

from klankbord.accounts.tests.helpers import log_in
from klankbord.accounts.tests.test_password_reset import reset_link
from klankbord.test import PASSWORD, World

ALICE = "alice@bakkerij.test"
ATTACKER = "203.0.113.7"
HOME = "10.9.9.9"
NEW_PASSWORD = "bloem en zuurdesem 2026"


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def spray(accounts: int, ip: str = ATTACKER) -> Any:
    attacker = english()
    response = None
    for n in range(accounts):
        response = log_in(attacker, f"klant{n}@bakkerij.test", "Zomer2026!", ip=ip)
    return response


def from_many_addresses(addresses: int, email: str = ALICE) -> Any:
    response = None
    for n in range(addresses):
        response = log_in(english(), email, "wrong password", ip=f"198.51.100.{n + 1}")
    return response


def test_spraying_one_password_over_many_accounts_locks_the_address(
    world: World,
) -> None:
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    assert spray(settings.LOGIN_ADDRESS_FAILURE_LIMIT).status_code == 200
    bob = english()
    refused = log_in(bob, "bob@bakkerij.test", PASSWORD, ip=ATTACKER)
    assert refused.status_code == 429
    assert "Too many failed log-in attempts came from your internet address." in refused.text
    # Even the right password is not checked, let alone accepted.
    assert "_auth_user_id" not in bob.session
    # Other addresses are not affected.
    assert log_in(english(), "bob@bakkerij.test", PASSWORD, ip="10.2.2.2").status_code == 302


def test_a_sprayed_address_still_lets_in_an_account_that_used_it_before(world: World) -> None:
    assert log_in(english(), "bob@bakkerij.test", PASSWORD, ip=ATTACKER).status_code == 302
    spray(settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    assert log_in(english(), "bob@bakkerij.test", PASSWORD, ip=ATTACKER).status_code == 302
    assert log_in(english(), ALICE, PASSWORD, ip=ATTACKER).status_code == 429


def test_many_addresses_against_one_account_lock_it_for_new_addresses(world: World) -> None:
    assert settings.LOGIN_ACCOUNT_FAILURE_LIMIT == 20
    # One wrong password from each address: axes' per-address limit is never reached.
    assert from_many_addresses(settings.LOGIN_ACCOUNT_FAILURE_LIMIT).status_code == 200
    refused = log_in(english(), ALICE, PASSWORD, ip="198.51.100.200")
    assert refused.status_code == 429
    assert "This account had too many failed log-in attempts from several addresses." in (
        refused.text
    )
    # Other accounts are not affected.
    assert log_in(english(), "bob@bakkerij.test", PASSWORD, ip="198.51.100.200").status_code == 302


def test_the_owner_still_logs_in_from_an_address_used_before(world: World) -> None:
    assert log_in(english(), ALICE, PASSWORD, ip=HOME).status_code == 302
    from_many_addresses(settings.LOGIN_ACCOUNT_FAILURE_LIMIT + 10)
    at_home = english()
    assert log_in(at_home, ALICE, PASSWORD, ip=HOME).status_code == 302
    assert at_home.session["_auth_user_id"] == str(world.alice.pk)


def test_a_password_reset_lifts_the_lock(world: World) -> None:
    from_many_addresses(settings.LOGIN_ACCOUNT_FAILURE_LIMIT)
    owner = english()
    owner.post("/wachtwoord-vergeten/", {"email": ALICE})
    form_page = owner.get(reset_link(mail.outbox[-1].body), follow=True)
    owner.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert log_in(english(), ALICE, NEW_PASSWORD, ip="198.51.100.200").status_code == 302


def test_the_lock_ends_an_hour_after_the_last_wrong_password(world: World, clock: Any) -> None:
    from_many_addresses(settings.LOGIN_ACCOUNT_FAILURE_LIMIT)
    spray(settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    # Refused attempts are not counted, so knocking on a locked door does not extend the lock.
    clock.shift(timedelta(minutes=30))
    assert log_in(english(), ALICE, PASSWORD, ip="198.51.100.200").status_code == 429
    assert log_in(english(), "bob@bakkerij.test", "wrong", ip=ATTACKER).status_code == 429
    clock.shift(timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=-30, seconds=1))
    assert log_in(english(), ALICE, PASSWORD, ip="198.51.100.200").status_code == 302
    assert log_in(english(), "bob@bakkerij.test", PASSWORD, ip=ATTACKER).status_code == 302
