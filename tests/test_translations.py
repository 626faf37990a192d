"""Every text a person reads exists in bokmål, Swedish and Danish, and what ships is compiled."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages import checkers
from babel.messages.pofile import read_po
from django.test import Client

from hub.accounts.models import Member
from tests.conftest import login

LOCALE_DIR = Path(__file__).resolve().parent.parent / "hub" / "locale"
LANGUAGES = ["nb", "sv", "da"]
# The server's texts, and the staff app's (web/static/js, served by /jsi18n/).
DOMAINS = ["django", "djangojs"]
CATALOGS = [(language, domain) for domain in DOMAINS for language in LANGUAGES]


def catalog(language: str, domain: str = "django"):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as po:
        return read_po(po, locale=language)


def _untranslated(message) -> bool:  # type: ignore[no-untyped-def]
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings) or message.fuzzy


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_every_message_is_translated(language: str, domain: str) -> None:
    untranslated = [m.id for m in catalog(language, domain) if m.id and _untranslated(m)]
    assert untranslated == []


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_placeholders_survive_translation(language: str, domain: str) -> None:
    problems = []
    messages = catalog(language, domain)
    for message in messages:
        if not message.id:
            continue
        for check in (checkers.python_format,):
            try:
                check(messages, message)
            except Exception as error:  # babel raises TranslationError
                problems.append((message.id, str(error)))
    assert problems == []


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_compiled_catalog_matches_the_source(language: str, domain: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for message in catalog(language, domain):
        if message.id and isinstance(message.id, str):
            found = (
                compiled.pgettext(message.context, message.id)
                if message.context
                else compiled.gettext(message.id)
            )
            assert found == message.string, message.id


def test_errors_come_in_the_members_language(dispatcher: Member) -> None:
    client: Client = login(dispatcher)
    response = client.get("/api/cases/999999")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Fant ikke saken."
    assert response.headers["Content-Language"] == "nb"

    dispatcher.user.language = "sv"
    dispatcher.user.save(update_fields=["language"])
    response = client.get("/api/cases/999999")
    assert response.json()["error"]["message"] == "Ärendet finns inte."


def test_the_staff_app_gets_its_texts_in_the_members_language(dispatcher: Member) -> None:
    dispatcher.user.language = "sv"
    dispatcher.user.save(update_fields=["language"])
    client: Client = login(dispatcher)
    response = client.get("/jsi18n/")
    assert response.status_code == 200
    assert '"Inbox": "Inkorg"' in response.content.decode()
