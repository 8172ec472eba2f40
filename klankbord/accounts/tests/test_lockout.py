"""django-axes locks an e-mail address out on one IP address after too many wrong passwords."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.test import Client

from klankbord.accounts.tests.helpers import log_in
from klankbord.test import PASSWORD, World

ALICE = "alice@bakkerij.test"


def fail(client: Client, times: int, email: str = ALICE, ip: str = "10.1.1.1") -> Any:
    response = None
    for _ in range(times):
        response = log_in(client, email, "wrong password", ip=ip)
    return response


def assert_locked_out(response: Any) -> None:
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "This account is locked on this address" in response.text
    assert "/wachtwoord-vergeten/" in response.text


def test_it_locks_out_after_the_failure_limit(world: World, visitor: Client) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    almost = fail(visitor, settings.AXES_FAILURE_LIMIT - 1)
    assert almost.status_code == 200
    assert_locked_out(fail(visitor, 1))
    # Now even the right password does not get in.
    locked = log_in(visitor, ALICE, PASSWORD)
    assert_locked_out(locked)
    assert "_auth_user_id" not in visitor.session


def test_fewer_failures_than_the_limit_do_not_lock(world: World, visitor: Client) -> None:
    fail(visitor, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(visitor, ALICE, PASSWORD).status_code == 302


def test_another_address_is_not_locked_out(world: World, visitor: Client) -> None:
    fail(visitor, settings.AXES_FAILURE_LIMIT, ip="10.1.1.1")
    assert_locked_out(log_in(visitor, ALICE, PASSWORD, ip="10.1.1.1"))
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = log_in(elsewhere, ALICE, PASSWORD, ip="10.2.2.2")
    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(world.alice.pk)


def test_another_account_on_the_same_address_is_not_locked_out(
    world: World, visitor: Client
) -> None:
    fail(visitor, settings.AXES_FAILURE_LIMIT)
    assert log_in(visitor, "bob@bakkerij.test", PASSWORD).status_code == 302


def test_changing_the_case_of_the_address_does_not_get_around_it(
    world: World, visitor: Client
) -> None:
    for typed in ["alice@bakkerij.test", "Alice@bakkerij.test", "ALICE@bakkerij.test"]:
        log_in(visitor, typed, "wrong password")
    log_in(visitor, "aLiCe@bakkerij.test", "wrong password")
    assert_locked_out(log_in(visitor, "Alice@Bakkerij.test", "wrong password"))
    assert_locked_out(log_in(visitor, "ALICE@BAKKERIJ.TEST", PASSWORD))


def test_a_successful_login_starts_the_count_again(world: World, visitor: Client) -> None:
    fail(visitor, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(visitor, ALICE, PASSWORD).status_code == 302
    visitor.post("/logout/")
    assert fail(visitor, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    assert log_in(visitor, ALICE, PASSWORD).status_code == 302


def test_the_lockout_still_holds_within_the_cool_off_time(
    world: World, visitor: Client, clock: Any
) -> None:
    fail(visitor, settings.AXES_FAILURE_LIMIT)
    clock.shift(timedelta(hours=settings.AXES_COOLOFF_TIME) - timedelta(minutes=1))
    assert_locked_out(log_in(visitor, ALICE, PASSWORD))


def test_the_lockout_ends_after_the_cool_off_time(
    world: World, visitor: Client, clock: Any
) -> None:
    fail(visitor, settings.AXES_FAILURE_LIMIT)
    clock.shift(timedelta(hours=settings.AXES_COOLOFF_TIME) + timedelta(minutes=1))
    assert log_in(visitor, ALICE, PASSWORD).status_code == 302
