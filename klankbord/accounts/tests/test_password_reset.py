"""Password reset by e-mail, end to end; password change."""

import re

from django.core import mail
from django.test import Client

from klankbord.test import PASSWORD, World


def test_a_forgotten_password_is_reset_by_e_mail(world: World, client: Client) -> None:
    client.post("/wachtwoord-vergeten/", {"email": "alice@bakkerij.test"})
    [message] = mail.outbox
    assert message.to == ["alice@bakkerij.test"]
    link = re.search(r"https?://[^\s]+/wachtwoord-vergeten/[^\s]+/", message.body)
    assert link
    path = "/" + link.group(0).split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new = "bloem en zuurdesem 2026"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password(new)
    # The link works once.
    assert "no longer valid" in client.get(path, follow=True).text or "niet meer geldig" in (
        client.get(path, follow=True).text
    )


def test_an_unknown_address_gets_no_mail_and_no_hint(db: None, client: Client) -> None:
    response = client.post("/wachtwoord-vergeten/", {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_member_changes_their_password(world: World, alice_client: Client) -> None:
    new = "speculoos met koffie 2026"
    response = alice_client.post(
        "/account/wachtwoord/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password(new)
