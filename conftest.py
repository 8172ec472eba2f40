from typing import Any

import pytest
from django.test import Client

from klankbord.test import World, make_world


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is slow on purpose; tests that check hashing ask for it explicitly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def alice_client(world: World) -> Client:
    client = Client()
    client.force_login(world.alice)
    return client


@pytest.fixture
def charlie_client(world: World) -> Client:
    client = Client()
    client.force_login(world.charlie)
    return client


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
