"""Dutch first: every interface string is translated into Dutch and French, placeholders intact."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import Client
from django.utils.translation import trans_real

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def read_catalogue(language: str) -> Catalog:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        return read_po(po_file)


def catalogue(language: str) -> list:
    return [message for message in read_catalogue(language) if message.id]


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [("nl", "nplurals=2; plural=(n != 1);"), ("fr", "nplurals=2; plural=(n > 1);")],
)
def test_each_catalogue_header_is_final_with_its_plural_rule(
    language: str, plural_forms: str
) -> None:
    header = read_catalogue(language)
    assert not header.fuzzy
    assert str(header.locale) == language
    assert header.charset.lower() == "utf-8"
    assert header.plural_forms == plural_forms


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_string_is_translated_with_its_placeholders(language: str) -> None:
    messages = catalogue(language)
    assert len(messages) > 150
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert not message.fuzzy, f"fuzzy: {ids[0]!r}"
        for text in strings:
            assert sorted(set(PLACEHOLDER.findall(text))) == sorted(
                set(PLACEHOLDER.findall(ids[-1]))
            ), f"placeholders differ in {ids[0]!r}"


@pytest.fixture
def compiled() -> None:
    call_command("compiletranslations", verbosity=0)
    # Forget catalogues loaded before compiling.
    trans_real._translations = {}
    trans_real._default = None


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl-be", ["Inloggen", "Wachtwoord vergeten?"]),
        ("fr-be", ["Se connecter"]),
        ("en", ["Log in"]),
    ],
)
def test_the_login_page_speaks_the_chosen_language(
    compiled: None, client: Client, language: str, words: list[str], db: None
) -> None:
    client.cookies["django_language"] = language
    page = client.get("/login/").text
    assert f'lang="{language}"' in page
    for word in words:
        assert word in page


def test_dutch_is_the_default(compiled: None, client: Client, db: None) -> None:
    page = client.get("/login/").text
    assert 'lang="nl-be"' in page
    assert "Inloggen" in page
