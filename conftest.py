import pytest
from django.test import Client

from klankbord.test import World, make_world


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
