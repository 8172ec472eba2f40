from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from klankbord.assistant.models import Connection
from klankbord.assistant.tests.fake_llm import FakeLLM
from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World

KEY = "sk-test-secret-123"


def url(world: World) -> str:
    return reverse("assistant_settings", args=[world.org.slug])


def form(fake: FakeLLM, **changes: Any) -> dict[str, Any]:
    data = {
        "action": "connection",
        "enabled": "on",
        "base_url": fake.base_url,
        "model": "mistral-small",
        "api_key": KEY,
        "monthly_requests": "100",
        "monthly_tokens": "0",
    }
    return {**data, **changes}


def test_it_is_off_until_an_owner_turns_it_on(alice_client: Client, world: World) -> None:
    page = alice_client.get(url(world)).content.decode()
    assert "Off" in page or "Uit" in page
    assert not Connection.objects.filter(organisation=world.org).exists()


def test_an_owner_connects_an_endpoint_and_the_key_is_kept_encrypted(
    alice_client: Client, world: World, fake_llm: FakeLLM
) -> None:
    response = alice_client.post(url(world), form(fake_llm))
    assert response.status_code == 302
    connection = Connection.objects.get(organisation=world.org)
    assert connection.ready and connection.secrets == {"api_key": KEY}
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("SELECT secrets FROM assistant_connection")
        (stored,) = cursor.fetchone()
    assert KEY not in stored


def test_the_key_is_never_shown_back_nor_written_to_the_audit_log(
    alice_client: Client, world: World, fake_llm: FakeLLM
) -> None:
    alice_client.post(url(world), form(fake_llm))
    page = alice_client.get(url(world)).content.decode()
    assert KEY not in page
    assert "set" in page or "ingesteld" in page
    events = AuditEvent.objects.filter(organisation=world.org, action="assistant.connection")
    assert events.exists()
    assert all(KEY not in str(event.data) + event.target for event in events)
    audit = alice_client.get(reverse("audit_log", args=[world.org.slug])).content.decode()
    assert KEY not in audit


def test_an_empty_key_field_keeps_the_stored_key(
    alice_client: Client, world: World, fake_llm: FakeLLM
) -> None:
    alice_client.post(url(world), form(fake_llm))
    alice_client.post(url(world), form(fake_llm, api_key="", model="llama3.1"))
    connection = Connection.objects.get(organisation=world.org)
    assert connection.model == "llama3.1" and connection.secrets["api_key"] == KEY


def test_a_local_endpoint_is_refused_unless_the_installation_allows_it(
    alice_client: Client, world: World, fake_llm: FakeLLM, settings: Any
) -> None:
    settings.KLANKBORD_ASSISTANT_ALLOW_LOCAL = False
    response = alice_client.post(url(world), form(fake_llm))
    assert response.status_code == 422
    assert "KLANKBORD_ASSISTANT_ALLOW_LOCAL" in response.content.decode()
    assert not Connection.objects.filter(organisation=world.org, enabled=True).exists()


@pytest.mark.parametrize("address", ["http://10.0.0.5:11434/v1", "http://169.254.169.254/v1"])
def test_a_private_address_is_refused_even_when_local_is_allowed(
    alice_client: Client, world: World, fake_llm: FakeLLM, address: str
) -> None:
    response = alice_client.post(url(world), form(fake_llm, base_url=address))
    assert response.status_code == 422
    assert not Connection.objects.filter(organisation=world.org).exists()


def test_the_connection_test_says_the_model_is_there(
    alice_client: Client, world: World, fake_llm: FakeLLM
) -> None:
    alice_client.post(url(world), form(fake_llm))
    response = alice_client.post(url(world), {"action": "test"}, follow=True)
    assert "mistral-small" in response.content.decode()


def test_the_connection_test_says_the_key_was_refused(
    alice_client: Client, world: World, fake_llm: FakeLLM
) -> None:
    alice_client.post(url(world), form(fake_llm, api_key="sk-wrong"))
    response = alice_client.post(url(world), {"action": "test"}, follow=True)
    assert "API key" in response.content.decode() or "API-sleutel" in response.content.decode()


def test_a_manager_sees_the_status_but_cannot_connect(world: World, fake_llm: FakeLLM) -> None:
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    page = manager.get(url(world))
    assert page.status_code == 200
    assert 'id="assistant-connection"' not in page.content.decode()
    assert manager.post(url(world), form(fake_llm)).status_code == 403
    assert not Connection.objects.exists()


def test_a_manager_keeps_the_facts_sheet(world: World) -> None:
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    response = manager.post(
        url(world), {"action": "facts", "facts-opening_hours": "di-za 7u-18u", "facts-prices": ""}
    )
    assert response.status_code == 302
    assert world.org.facts_sheet.opening_hours == "di-za 7u-18u"


def test_an_editor_and_an_outsider_cannot_open_it(world: World, charlie_client: Client) -> None:
    editor = Client()
    editor.force_login(world.bob)
    assert editor.get(url(world)).status_code == 403
    assert charlie_client.get(url(world)).status_code == 404


def test_a_key_in_the_address_is_refused(
    alice_client: Client, world: World, fake_llm: FakeLLM
) -> None:
    address = f"{fake_llm.base_url}?api_key={KEY}"
    response = alice_client.post(url(world), form(fake_llm, base_url=address, api_key=""))
    assert response.status_code == 422
    assert not Connection.objects.exists()
    assert not AuditEvent.objects.filter(action="assistant.connection").exists()
