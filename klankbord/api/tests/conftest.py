from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from klankbord.accounts.services import api_token_create


@pytest.fixture
def api(db: None) -> Callable[[Any], Client]:
    """A client that calls the API with a fresh personal token of the given user."""

    def for_user(user: Any) -> Client:
        _token, secret = api_token_create(user=user, name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return for_user
