"""Resetting a forgotten password by e-mail, end to end."""

import re

from django.core import mail
from django.test import Client

from klankbord.accounts.tests.helpers import log_in
from klankbord.test import PASSWORD, World

NEW_PASSWORD = "bloem en zuurdesem 2026"


def reset_link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/wachtwoord-vergeten/[^\s]+/[^\s]+/)", body)
    assert found, body
    return found.group(1)


def test_a_forgotten_password_is_reset_by_e_mail(world: World, visitor: Client) -> None:
    asked = visitor.post("/wachtwoord-vergeten/", {"email": "alice@bakkerij.test"})
    assert asked.status_code == 302
    assert asked["Location"] == "/wachtwoord-vergeten/verstuurd/"
    [message] = mail.outbox
    assert message.to == ["alice@bakkerij.test"]
    assert message.subject == "Choose a new Klankbord password"
    link = reset_link(message.body)

    # Django swaps the token in the link for a session value before showing the form.
    form_page = visitor.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = visitor.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/wachtwoord-vergeten/klaar/"

    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert log_in(fresh, "alice@bakkerij.test", PASSWORD).status_code == 200
    assert "_auth_user_id" not in fresh.session
    assert log_in(fresh, "alice@bakkerij.test", NEW_PASSWORD).status_code == 302
    assert fresh.session["_auth_user_id"] == str(world.alice.pk)


def test_the_reset_link_works_only_once(world: World, visitor: Client) -> None:
    visitor.post("/wachtwoord-vergeten/", {"email": "alice@bakkerij.test"})
    link = reset_link(mail.outbox[0].body)
    form_page = visitor.get(link, follow=True)
    visitor.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(link, follow=True)
    assert again.context["validlink"] is False
    assert "This link is no longer valid" in again.text


def test_a_made_up_link_is_not_valid(world: World, visitor: Client) -> None:
    response = visitor.get("/wachtwoord-vergeten/MQ/abc-123/", follow=True)
    assert response.status_code == 200
    assert "This link is no longer valid" in response.text


def test_the_new_password_must_be_strong_enough(world: World, visitor: Client) -> None:
    visitor.post("/wachtwoord-vergeten/", {"email": "alice@bakkerij.test"})
    form_page = visitor.get(reset_link(mail.outbox[0].body), follow=True)
    response = visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert "This password is too common." in response.text
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_an_unknown_address_gets_no_mail_and_no_hint(db: None, visitor: Client) -> None:
    response = visitor.post("/wachtwoord-vergeten/", {"email": "nobody@nowhere.test"})
    # The same answer as for a known address, so it cannot be used to find accounts.
    assert response.status_code == 302
    assert response["Location"] == "/wachtwoord-vergeten/verstuurd/"
    assert mail.outbox == []


def test_the_address_may_be_typed_in_another_case(world: World, visitor: Client) -> None:
    visitor.post("/wachtwoord-vergeten/", {"email": "Alice@Bakkerij.test"})
    [message] = mail.outbox
    assert message.to == ["alice@bakkerij.test"]
