"""Portal links: unguessable, stored hashed, expiring, revocable; opening one makes a portal
session and takes the token out of the address bar; a link that does not hold gets nothing,
and says so plainly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as settings_module
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from hub.accounts.models import Member, Organization
from hub.portal.actions import do_revoke_links
from hub.portal.links import mint_link
from hub.portal.models import LinkKind, PortalLink
from hub.portal.tokens import TOKEN_BYTES, hash_token, token_for_delivery
from hub.threads.actions.cases import do_set_portal_visible
from hub.threads.models import Case, Event, EventKind
from tests.factories import make_member
from tests.portal.helpers import link_for, lock, open_portal, path_of, portal_case

pytestmark = pytest.mark.django_db


def token_of(url: str) -> str:
    return path_of(url).removeprefix("/p/")


def test_a_token_is_long_random_and_only_its_hash_is_kept(dispatcher: Member, case: Case) -> None:
    urls = [link_for(dispatcher, case) for _ in range(20)]
    tokens = [token_of(url) for url in urls]
    assert len(set(tokens)) == 20
    assert TOKEN_BYTES * 8 >= 128
    for token in tokens:
        assert len(token) == 32  # 24 bytes in URL-safe base64: 192 bits
        # Not a counter or a timestamp: the characters are spread over the alphabet.
        assert len(set(token)) > 12
    stored = list(PortalLink.objects.values_list("token_hash", flat=True))
    assert sorted(stored) == sorted(hash_token(token) for token in tokens)
    rows = " ".join(str(row) for row in PortalLink.objects.values_list())
    assert not any(token in rows for token in tokens)
    assert all(link.kind == LinkKind.STAFF for link in PortalLink.objects.all())


def test_a_delivery_link_is_rebuilt_from_the_delivery_and_the_secret(settings: Settings) -> None:
    first = token_for_delivery("handle-1")
    assert first == token_for_delivery("handle-1")
    assert first != token_for_delivery("handle-2")
    assert len(first) == 32
    settings.SECRET_KEY = "another secret"
    assert token_for_delivery("handle-1") != first


def test_opening_a_link_makes_a_portal_session_and_drops_the_token(
    dispatcher: Member, case: Case
) -> None:
    url = link_for(dispatcher, case)
    client, answer = open_portal(url)
    assert answer.status_code == 302
    assert answer["Location"] == "/p/"
    assert answer["Referrer-Policy"] == "no-referrer"
    assert "no-store" in answer["Cache-Control"]
    page = client.get("/p/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.title in html
    assert case.reference in html
    assert token_of(url) not in html
    assert page["Content-Language"] == "nb"
    link = PortalLink.objects.get()
    assert link.last_used is not None


def test_the_page_carries_the_organisations_language_and_catalogue(
    dispatcher: Member, case: Case
) -> None:
    client, _answer = open_portal(link_for(dispatcher, case))
    html = client.get("/p/").content.decode()
    assert '<html lang="nb">' in html
    assert "/jsi18n/?l=nb" in html
    assert "portal/portal.js" in html
    # The catalogue answers a customer (no member) in the language its address names.
    catalogue = client.get("/jsi18n/?l=nb").content.decode()
    assert '"Inbox": "Innboks"' in catalogue
    assert '"Inbox": "Inkorg"' in client.get("/jsi18n/?l=sv").content.decode()


def test_an_unknown_token_gets_nothing_and_learns_nothing(db: None) -> None:
    client = Client()
    for token in ("A" * 32, "short", "x" * 200, "../../etc/passwd"):
        answer = client.get(f"/p/{token}")
        assert answer.status_code in (302, 404)
        page = client.get("/p/")
        assert page.status_code == 404
        assert page.context["refusal"] == "unknown"
        assert not page.context["offer_fresh_link"]
        assert client.get("/api/portal/case").status_code == 401


def test_a_page_without_a_session_is_refused(db: None) -> None:
    assert Client().get("/p/").status_code == 404
    answer = Client().get("/api/portal/case")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "portal_unknown"


def test_an_expired_link_says_so_and_offers_a_fresh_one(dispatcher: Member, case: Case) -> None:
    url = link_for(dispatcher, case)
    PortalLink.objects.update(expires=timezone.now() - timedelta(minutes=1))
    client, answer = open_portal(url)
    assert answer["Location"] == "/p/"
    page = client.get("/p/")
    assert page.status_code == 403
    assert page.context["refusal"] == "expired"
    assert page.context["offer_fresh_link"]
    assert case.title not in page.content.decode()
    answer = client.get("/api/portal/case")
    assert answer.status_code in (401, 403)


def test_a_link_expires_after_the_configured_days(
    dispatcher: Member, case: Case, settings: Settings
) -> None:
    settings.HUB_PORTAL_LINK_DAYS = 3
    link_for(dispatcher, case)
    link = PortalLink.objects.get()
    assert timedelta(days=3) - timedelta(minutes=1) < link.expires - link.created
    assert link.expires - link.created < timedelta(days=3, minutes=1)


def test_a_revoked_link_stops_at_once_even_for_an_open_session(
    dispatcher: Member, case: Case
) -> None:
    client, _answer = open_portal(link_for(dispatcher, case))
    assert client.get("/api/portal/case").status_code == 200
    assert do_revoke_links(dispatcher, case) == 1
    answer = client.get("/api/portal/case")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "portal_revoked"
    page = client.get("/p/")
    assert page.status_code == 403
    assert page.context["refusal"] == "revoked"
    assert page.context["offer_fresh_link"]
    assert Event.objects.filter(case=case, kind=EventKind.PORTAL_LINKS_REVOKED).count() == 1


def test_a_locked_contact_gets_nothing_and_no_fresh_link(dispatcher: Member, case: Case) -> None:
    client, _answer = open_portal(link_for(dispatcher, case))
    lock(dispatcher, case)
    answer = client.get("/api/portal/case")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "portal_locked"
    assert "Nordlys Elektro AS" in answer.json()["error"]["message"]
    page = client.get("/p/")
    assert page.status_code == 403
    assert page.context["refusal"] == "locked"
    assert not page.context["offer_fresh_link"]
    # A link opened while locked is refused too.
    again, _answer = open_portal(link_for_locked_contact(case))
    assert again.get("/p/").context["refusal"] == "locked"
    # Unlocked, the same browser is let in again.
    lock(dispatcher, case, locked=False)
    assert client.get("/p/").status_code == 200
    assert client.get("/api/portal/case").status_code == 200


def link_for_locked_contact(case: Case) -> str:
    """A link made before the lock (staff cannot make one for a locked contact)."""
    contact = case.contact
    assert contact is not None
    contact.portal_locked = False
    _link, url = mint_link(case, contact, kind=LinkKind.STAFF)
    contact.portal_locked = True
    return url


def test_a_case_hidden_from_the_portal_shows_nothing(dispatcher: Member, case: Case) -> None:
    client, _answer = open_portal(link_for(dispatcher, case))
    do_set_portal_visible(dispatcher, case, False)
    answer = client.get("/api/portal/case")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "portal_hidden"
    page = client.get("/p/")
    assert page.context["refusal"] == "hidden"
    assert case.title not in page.content.decode()


def test_a_session_sees_one_case_the_last_link_opened(dispatcher: Member, case: Case) -> None:
    other = portal_case(dispatcher, "Varmepumpe")
    client, _answer = open_portal(link_for(dispatcher, case))
    assert client.get("/api/portal/case").json()["case"]["title"] == case.title
    client.get(path_of(link_for(dispatcher, other)))
    assert client.get("/api/portal/case").json()["case"]["title"] == "Varmepumpe"


def test_another_organisations_token_opens_only_its_own_case(
    dispatcher: Member, case: Case, other_org: Organization
) -> None:
    stranger = make_member(other_org, handle="sven")
    theirs = portal_case(stranger, "Värmepump")
    client, _answer = open_portal(link_for(stranger, theirs))
    body = client.get("/api/portal/case").json()
    assert body["case"]["title"] == "Värmepump"
    assert body["organization"]["name"] == "Fjällbacka Rör AB"
    assert client.get("/p/")["Content-Language"] == "sv"
    assert case.title not in client.get("/p/").content.decode()


def test_opening_a_link_gives_the_browser_a_new_session_key(dispatcher: Member, case: Case) -> None:
    """A session key planted before the link was opened (session fixation) is worth nothing."""
    client = Client()
    client.get("/p/")
    client.session.save()
    planted = client.cookies[settings_module.SESSION_COOKIE_NAME].value
    client.get(path_of(link_for(dispatcher, case)))
    assert client.cookies[settings_module.SESSION_COOKIE_NAME].value != planted
    assert client.get("/api/portal/case").status_code == 200
    stale = Client()
    stale.cookies[settings_module.SESSION_COOKIE_NAME] = planted
    assert stale.get("/api/portal/case").status_code == 401
