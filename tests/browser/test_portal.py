"""The customer portal in Chromium on a phone (issue 8's acceptance): staff write to the
customer by SMS through the development provider; the customer opens the link the phone
simulator shows, replies and sends a photo from the camera; staff see both live, and see their
SMS as read. A link that ran out, was revoked or is unknown gets nothing; a locked contact gets
nothing, and an open portal page closes the moment the contact is locked. One tap answers the
booking."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django import Settings

from hub.accounts.models import Member
from hub.booking.models import Booking, State
from hub.gateways.outbox import Dispatcher
from hub.outbox.models import Delivery
from hub.outbox.models import State as DeliveryState
from hub.portal.models import PortalLink
from hub.threads.actions.cases import do_set_portal_visible
from hub.threads.models import Audience, Case, Channel, Direction, Message
from tests.booking.helpers import sent_case
from tests.browser import outside_playwright, screenshot
from tests.browser.conftest import HubProcess, NewPage, StaffPage
from tests.browser.test_screenshots import assert_controls_named, assert_no_leaked_values
from tests.factories import png_bytes
from tests.portal.helpers import link_for, lock, portal_case

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://[^\s\"<>]+/p/[A-Za-z0-9_-]{32}")


@pytest.fixture
def hub_process(services: dict[str, str], tmp_path: Path) -> Iterator[HubProcess]:
    """The hub, with links in mails and SMS pointing at itself (as HUB_PUBLIC_URL does in
    production), so that the customer opens exactly what the phone simulator shows."""
    process = HubProcess(tmp_path, services)
    process.env = {**services, "HUB_PUBLIC_URL": f"http://127.0.0.1:{process.port}"}
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(autouse=True)
def _public_url(settings: Settings, hub_process: HubProcess) -> None:
    settings.HUB_PUBLIC_URL = f"http://127.0.0.1:{hub_process.port}"


def dispatch() -> None:
    """The gateway's outbox dispatcher, once: the development provider takes the SMS."""
    with outside_playwright():
        async_to_sync(Dispatcher("browser-test").tick)()


def staff_thread(page: Page) -> object:
    return page.get_by_test_id("thread")


def test_a_customer_answers_from_the_sms_link_and_staff_see_it_live(
    staff_page: StaffPage, browser_page: NewPage, dispatcher: Member
) -> None:
    case = portal_case(dispatcher, "Jordfeil i sikringsskapet", customer="Ola Hansen")

    # Staff write to the customer by SMS from the case.
    staff = staff_page(dispatcher, path=f"/cases/{case.pk}/")
    expect(staff.locator("html")).to_have_attribute("data-ready", "case")
    staff.get_by_role("tab", name=re.compile("Kunde|Customer")).click()
    composer = staff.get_by_test_id("composer")
    composer.locator("select").first.select_option("sms")
    box = composer.locator("textarea")
    box.fill("Hei! Kan du sende et bilde av sikringsskapet?")
    box.press("Enter")
    thread = staff.get_by_test_id("thread")
    expect(thread).to_contain_text("Kan du sende et bilde")
    sms = Message.objects.get(case=case, channel=Channel.SMS)
    dispatch()
    assert Delivery.objects.get(message=sms).state == DeliveryState.SENT
    staff.evaluate("window.notReloaded = true")

    # The phone simulator shows the SMS with its link, as the phone gets it.
    simulator = staff.context.new_page()
    simulator.goto("/dev/sms/")
    sent = simulator.locator("article.dev-mail pre").first
    expect(sent).to_contain_text("Kan du sende et bilde")
    (url,) = LINK.findall(sent.inner_text())
    simulator.close()

    # The customer opens it on their phone: the token leaves the address bar.
    phone = browser_page(phone=True)
    phone.goto(url)
    expect(phone).to_have_url(re.compile(r"/p/$"))
    expect(phone.locator("html")).to_have_attribute("data-ready", "portal")
    messages = phone.get_by_test_id("messages")
    expect(messages).to_contain_text("Kan du sende et bilde av sikringsskapet?")
    expect(phone.get_by_test_id("live")).to_have_attribute("data-state", "live")
    screenshot(phone, "portal-phone-opened")

    # Staff see their SMS read in the portal, live.
    staff_sms = thread.locator(f'[data-message-id="{sms.pk}"]')
    expect(staff_sms.locator("[data-portal-read]")).to_be_visible()
    assert Message.objects.get(pk=sms.pk).read_by_customer is not None

    # The customer replies, then sends a photo from the camera.
    phone.locator("#p-text").fill("Hei! Ja, kommer straks.")
    phone.get_by_role("button", name=re.compile("^(Send|Send)$")).click()
    expect(messages.locator(".p-in")).to_have_count(1)
    camera = phone.get_by_test_id("camera")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(
        {"name": "sikringsskap.png", "mimeType": "image/png", "buffer": png_bytes(64, 48)}
    )
    expect(phone.get_by_test_id("pending-files").locator("[data-state=ready]")).to_have_count(1)
    screenshot(phone, "portal-phone-photo-ready")
    phone.locator("#p-text").fill("Her er bildet.")
    phone.get_by_role("button", name=re.compile("^(Send|Send)$")).click()
    expect(messages.locator(".p-in")).to_have_count(2)
    expect(messages.locator(".p-in img")).to_have_count(1)
    expect(phone.get_by_test_id("pending-files").locator("li")).to_have_count(0)

    # Staff see the reply and the photo without a reload.
    expect(thread).to_contain_text("Hei! Ja, kommer straks.")
    expect(thread).to_contain_text("Her er bildet.")
    expect(thread.locator("img[alt='sikringsskap.png']")).to_be_visible()
    assert staff.evaluate("window.notReloaded") is True
    replies = list(Message.objects.filter(case=case, direction=Direction.IN).order_by("pk"))
    assert [(m.channel, m.author_contact_id) for m in replies] == [
        (Channel.PORTAL, case.contact_id),
        (Channel.PORTAL, case.contact_id),
    ]
    assert replies[1].attachments.get().content_type == "image/png"
    screenshot(phone, "portal-phone-replied")
    screenshot(staff, "portal-staff-sees-reply")

    # And staff's next message reaches the open portal page live.
    composer.locator("select").first.select_option("web")
    box.fill("Takk! Vi kommer i morgen kl. 08.")
    box.press("Enter")
    expect(messages).to_contain_text("Takk! Vi kommer i morgen kl. 08.")
    newest = Message.objects.filter(case=case, audience=Audience.CUSTOMER).latest("pk")
    expect(thread.locator(f'[data-message-id="{newest.pk}"] .ticks.read')).to_be_visible()
    assert_no_leaked_values(phone)
    assert_controls_named(phone)


def test_links_that_do_not_hold_get_nothing(
    browser_page: NewPage, dispatcher: Member, settings: Settings
) -> None:
    case = portal_case(dispatcher, "Varmepumpe som ikke varmer")
    phone = browser_page(phone=True)

    # Unknown: nothing about any case.
    phone.goto("/p/" + "A" * 32)
    closed = phone.get_by_test_id("portal-closed")
    expect(closed).to_have_attribute("data-refusal", "unknown")
    expect(phone.get_by_test_id("fresh-link")).to_have_count(0)
    assert case.title not in phone.content()
    screenshot(phone, "portal-phone-unknown-link")

    # Expired: says so, and sends a fresh one to the contact's own number.
    expired = link_for(dispatcher, case)
    PortalLink.objects.update(expires=timezone.now() - timedelta(minutes=1))
    phone.goto(expired)
    expect(closed).to_have_attribute("data-refusal", "expired")
    assert case.title not in phone.content()
    screenshot(phone, "portal-phone-expired-link")
    phone.get_by_test_id("fresh-link").click()
    expect(phone.get_by_test_id("fresh-link-sent")).to_contain_text("+47\u00a0•••••\u00a0567")
    screenshot(phone, "portal-phone-fresh-link-sent")
    fresh_sms = Delivery.objects.select_related("message").get(channel="sms")
    assert fresh_sms.recipient == "+4741234567"

    # Revoked: the same offer; the fresh link from the SMS works.
    revoked = link_for(dispatcher, case)
    PortalLink.objects.filter(revoked=None).update(revoked=timezone.now())
    phone.goto(revoked)
    expect(closed).to_have_attribute("data-refusal", "revoked")

    # Locked: nothing, and no offer of a fresh link.
    lock(dispatcher, case)
    phone.goto(link_for_locked(dispatcher, case))
    expect(closed).to_have_attribute("data-refusal", "locked")
    expect(closed).to_contain_text("Nordlys Elektro AS")
    expect(phone.get_by_test_id("fresh-link")).to_have_count(0)
    assert case.title not in phone.content()
    screenshot(phone, "portal-phone-locked")


def link_for_locked(actor: Member, case: Case) -> str:
    """A link made while the contact could still have one."""
    lock(actor, case, locked=False)
    url = link_for(actor, case)
    lock(actor, case)
    return url


def test_locking_the_contact_closes_the_open_portal_page(
    staff_page: StaffPage, browser_page: NewPage, dispatcher: Member
) -> None:
    case = portal_case(dispatcher, "Utelys på terrassen")
    staff = staff_page(dispatcher, path=f"/cases/{case.pk}/")
    expect(staff.locator("html")).to_have_attribute("data-ready", "case")
    # Staff copy a link for the case's contact and hand it over.
    tools = staff.locator(".portal-tools")
    tools.get_by_role("button", name=re.compile("portal", re.IGNORECASE)).click()
    copied = tools.locator("input[type=url]")
    expect(copied).to_have_value(LINK)
    url = copied.input_value()

    phone = browser_page(phone=True)
    phone.goto(url)
    expect(phone.locator("html")).to_have_attribute("data-ready", "portal")
    expect(phone.get_by_test_id("live")).to_have_attribute("data-state", "live")

    tools.locator("input[type=checkbox]").check()
    expect(phone.get_by_test_id("portal-closed")).to_have_attribute("data-refusal", "locked")
    assert case.title not in phone.content()
    screenshot(staff, "portal-staff-case-tools")


def test_one_tap_confirms_the_booking(
    browser_page: NewPage, dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician, title="Bytte av strømmåler")
    do_set_portal_visible(dispatcher, case, True)
    phone = browser_page(phone=True)
    phone.goto(link_for(dispatcher, case))
    card = phone.get_by_test_id("booking")
    expect(card).to_contain_text("Lars")
    expect(card).to_contain_text("4. oktober")
    expect(card).to_contain_text("10:00\u201311:00")
    expect(phone.get_by_test_id("booking-state")).to_have_attribute(
        "data-state", "awaiting_response"
    )
    screenshot(phone, "portal-phone-booking")
    phone.get_by_test_id("confirm-booking").click()
    expect(phone.get_by_test_id("booking-state")).to_have_attribute("data-state", "confirmed")
    expect(phone.get_by_test_id("confirm-booking")).to_have_count(0)
    expect(phone.get_by_test_id("messages").locator(".p-in")).to_have_count(1)
    assert Booking.objects.get(case=case).state == State.CONFIRMED
    screenshot(phone, "portal-phone-booking-confirmed")
    assert_no_leaked_values(phone)
    assert_controls_named(phone)
