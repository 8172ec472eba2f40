"""Without SMTP, a production server prints e-mails to its log, but never their links."""

import io
from pathlib import Path

from django.core import mail
from django.test import Client

from klankbord.accounts.tests.settings_in import run_with_settings
from klankbord.test import World

CONSOLE = "django.core.mail.backends.console.EmailBackend"
HIDING = "klankbord.lib.redact.LinkHidingConsoleBackend"


def printed(message: mail.EmailMessage) -> str:
    stream = io.StringIO()
    mail.get_connection(HIDING, stream=stream).send_messages([message])
    return stream.getvalue()


def test_production_prints_e_mails_without_links(tmp_path: Path) -> None:
    code = "print(settings.EMAIL_BACKEND)"
    assert run_with_settings(code, tmp_path, setup=False) == HIDING + "\n"
    explicit = run_with_settings(code, tmp_path, setup=False, EMAIL_BACKEND=CONSOLE)
    assert explicit == HIDING + "\n"
    # On a laptop (DEBUG=true) the full e-mail is printed, links included.
    assert run_with_settings(code, tmp_path, setup=False, DEBUG="true") == CONSOLE + "\n"


def test_a_password_reset_link_is_not_printed(world: World) -> None:
    Client().post("/wachtwoord-vergeten/", {"email": "alice@bakkerij.test"})
    [message] = mail.outbox
    assert "/wachtwoord-vergeten/" in message.body
    shown = printed(message)
    assert "alice@bakkerij.test" in shown
    assert "/wachtwoord-vergeten/" not in shown
    assert "://testserver/[link hidden]" in shown


def test_an_invitation_link_is_not_printed(world: World) -> None:
    from klankbord.orgs import services
    from klankbord.orgs.models import Membership, Role

    owner = Membership.objects.get(user=world.alice)
    invitation, token = services.invitation_create(
        by=owner, email="nieuw@bakkerij.test", role=Role.EDITOR
    )
    services.invitation_send(invitation=invitation, token=token)
    shown = printed(mail.outbox[-1])
    assert token not in shown
    assert "/uitnodiging/" not in shown


def test_html_alternatives_are_hidden_too() -> None:
    message = mail.EmailMultiAlternatives("Hallo", "https://kb.test/a/secret-1/", to=["x@y.test"])
    message.attach_alternative('<a href="https://kb.test/a/secret-2/">open</a>', "text/html")
    shown = printed(message)
    assert "secret-1" not in shown
    assert "secret-2" not in shown
