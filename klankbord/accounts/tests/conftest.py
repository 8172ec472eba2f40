from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

# A fixed moment: TOTP codes depend on the clock, and django-otp throttles by the second.
START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def visitor() -> Client:
    """Someone not logged in whose browser asks for English (the source strings)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """Frozen time that a test moves on by hand with `clock.shift(seconds)`."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def turn_on_two_factor(clock: Any) -> Any:
    """Sets up TOTP on the setup page for a logged-in client, as a person with an app would."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from klankbord.accounts.tests.helpers import code_for

    def turn_on(client: Client) -> TOTPDevice:
        assert client.get("/account/tweestapsverificatie/").status_code == 200
        user_id = client.session["_auth_user_id"]
        device = TOTPDevice.objects.get(user_id=user_id, confirmed=False)
        response = client.post("/account/tweestapsverificatie/", {"code": code_for(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        # The next code comes from the next 30-second window: a code is used only once.
        clock.shift(30)
        return device

    return turn_on
