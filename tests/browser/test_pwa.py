"""The technician app (/m/) in Chromium at phone size (issue 8's acceptance): it installs (the
manifest and the service worker pass Chromium's own checks), shows my day, and works without a
connection: two messages and a photo written offline wait in the browser, survive a reload, and
are stored exactly once when the connection returns, while a dispatcher sees them arrive live.
A lost answer is resent with the same client_id and lands once. Web Push: no offer while the
key door answers 404; with it, turning notifications on and off goes through the hub's doors
(the browser's push service is played in the page); a push shows a notification."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import (
    BrowserContext,
    FilePayload,
    Locator,
    Page,
    Playwright,
    Route,
    expect,
)

from hub.accounts.models import Member
from hub.threads.models import Attachment, Audience, Case, Message
from tests.booking.helpers import OSLO, at, booked_case
from tests.browser import PHONE, screenshot
from tests.browser.conftest import StaffPage, chromium_path
from tests.browser.test_screenshots import assert_controls_named, assert_no_leaked_values
from tests.factories import PASSWORD, png_bytes, post
from tests.servers import Server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visit(dispatcher: Member, technician: Member) -> Case:
    """Today's first visit for the technician (and a later one, so the day has an order)."""
    today = datetime.now(OSLO).date()
    case = booked_case(dispatcher, technician, at(8, day=today), title="Jordfeil i sikringsskapet")
    booked_case(dispatcher, technician, at(13, day=today), title="Varmekabler på badet")
    post(dispatcher, case, "Kunden er hjemme fra 8.", audience=Audience.CUSTOMER)
    post(dispatcher, case, "Ta med ny jordfeilbryter.")
    return case


def ready(page: Page, view: str) -> None:
    expect(page.locator("html")).to_have_attribute("data-ready", view)


def controlled(page: Page) -> None:
    """Wait until the service worker is active and controls the page."""
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"
    )


def sent_by(member: Member, case: Case) -> list[Message]:
    return list(Message.objects.filter(case=case, author_member=member).order_by("pk"))


def composer_send(page: Page, text: str) -> None:
    composer = page.get_by_test_id("composer")
    composer.locator("textarea").fill(text)
    composer.locator("button[type=submit]").click()


@pytest.fixture
def profile(playwright: Playwright, hub: Server, tmp_path: Path) -> Iterator[BrowserContext]:
    """A phone's browser with a profile on disk: Chromium installs no app from an incognito
    context, and every ``browser.new_context`` is one."""
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=chromium_path(),
        headless=True,
        args=["--no-sandbox"],
        base_url=hub.http,
        viewport={"width": PHONE["width"], "height": PHONE["height"]},
        is_mobile=True,
        has_touch=True,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
    )
    try:
        yield context
    finally:
        context.close()


def log_in(context: BrowserContext, member: Member) -> None:
    """As ``staff_page`` does: the CSRF cookie, then the JSON door."""
    assert context.request.get("/api/session").ok
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    answer = context.request.post(
        "/api/session",
        data={"username": member.user.username, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert answer.status == 201, answer.text()


def test_the_app_installs(profile: BrowserContext, technician: Member, visit: Case) -> None:
    log_in(profile, technician)
    page = profile.pages[0] if profile.pages else profile.new_page()
    page.goto("/m/")
    ready(page, "day")
    controlled(page)
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert re.search(r"/manifest\.webmanifest\?l=nb$", manifest["url"])
    data = json.loads(manifest["data"])
    assert data["start_url"] == "/m/"
    assert data["display"] == "standalone"
    assert data["name"] == "Huben"  # in the member's language
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []


def test_my_day_in_visit_order_with_map_call_and_sms(
    staff_page: StaffPage, technician: Member, visit: Case
) -> None:
    page = staff_page(technician, phone=True, path="/m/")
    ready(page, "day")
    visits = page.get_by_test_id("visits").locator("[data-case-id]")
    expect(visits).to_have_count(2)
    first = visits.first
    expect(first).to_have_attribute("data-case-id", str(visit.pk))
    expect(first).to_contain_text("08:00\u201309:00")  # an en dash between
    expect(first).to_contain_text("Jordfeil i sikringsskapet")
    expect(first).to_contain_text(visit.reference)
    expect(first.get_by_test_id("booking-state")).to_have_text("Planlagt")
    expect(
        first.locator("a[href^='https://www.openstreetmap.org/search?query=']")
    ).to_have_attribute(
        "href", "https://www.openstreetmap.org/search?query=Storgata%201%2C%200155%20Oslo"
    )
    expect(first.locator("a[href^='tel:']")).to_have_attribute("href", "tel:+4741234567")
    expect(first.locator("a[href^='sms:']")).to_have_attribute("href", "sms:+4741234567")
    expect(visits.nth(1)).to_contain_text("Varmekabler på badet")
    assert_no_leaked_values(page)
    assert_controls_named(page)
    screenshot(page, "pwa-phone-my-day")

    # The next day has no visits; back to today.
    page.locator("a[rel=next]").click()
    expect(page.get_by_test_id("visits")).not_to_contain_text("Jordfeil")
    expect(page).to_have_url(re.compile(r"/m/day/\d{4}-\d{2}-\d{2}/$"))
    page.locator("a[rel=prev]").click()
    expect(visits).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/m/$"))

    # A case: the visit, the thread's two tabs, internal notes marked as such.
    first.locator(".m-visit-case").click()
    ready(page, "case")
    thread = page.get_by_test_id("thread")
    expect(thread).to_contain_text("Kunden er hjemme fra 8.")
    expect(thread).not_to_contain_text("Ta med ny jordfeilbryter.")
    page.locator("#tab-internal").click()
    note = thread.locator(".message.internal")
    expect(note).to_contain_text("Ta med ny jordfeilbryter.")
    expect(note.locator(".internal-mark")).to_be_visible()
    assert_no_leaked_values(page)
    assert_controls_named(page)
    screenshot(page, "pwa-phone-case-internal")


def test_a_dispatcher_sees_their_own_day_or_a_technicians(
    staff_page: StaffPage, dispatcher: Member, technician: Member, visit: Case
) -> None:
    page = staff_page(dispatcher, phone=True, path="/m/")
    ready(page, "day")
    visits = page.get_by_test_id("visits")
    expect(visits.locator(".empty")).to_be_visible()  # the dispatcher has no visits
    expect(page.locator("#day-technician")).to_have_value(str(dispatcher.pk))
    page.locator("#day-technician").select_option(str(technician.pk))
    expect(visits.locator("[data-case-id]")).to_have_count(2)
    page.reload()
    ready(page, "day")
    expect(page.locator("#day-technician")).to_have_value(str(technician.pk))
    expect(visits.locator("[data-case-id]")).to_have_count(2)
    assert_controls_named(page)


def test_offline_messages_and_a_photo_land_once_and_staff_see_them_live(
    staff_page: StaffPage, technician: Member, dispatcher: Member, visit: Case
) -> None:
    page = staff_page(technician, phone=True, path="/m/")
    ready(page, "day")
    controlled(page)
    # Through the worker from the start: it keeps the shell and what the day fetches ahead.
    page.reload()
    ready(page, "day")
    row = page.get_by_test_id("visits").locator(f'[data-case-id="{visit.pk}"]')
    expect(row.locator("a[href^='tel:']")).to_be_visible()  # the case was fetched ahead
    row.locator(".m-visit-case").click()
    ready(page, "case")

    staff = staff_page(dispatcher, path=f"/cases/{visit.pk}/")
    ready(staff, "case")
    staff.evaluate("window.notReloaded = true")

    page.context.set_offline(True)
    expect(page.locator("#m-connection .m-offline")).to_be_visible()
    # Really offline, the worker too: what was never fetched is not there.
    failed = page.evaluate(
        "(id) => fetch(`/api/cases/${id}/events`).then(() => false, () => true)", visit.pk
    )
    assert failed is True

    composer_send(page, "Skapet er åpnet, måler nå.")
    photo: FilePayload = {
        "name": "sikringsskap.png",
        "mimeType": "image/png",
        "buffer": png_bytes(160, 120),
    }
    page.locator("#m-photo").set_input_files(files=[photo])
    expect(page.get_by_test_id("composer")).to_contain_text("sikringsskap.png")
    page.get_by_test_id("composer").locator("button[type=submit]").click()
    page.locator("#tab-internal").click()
    composer_send(page, "Jordfeilbryteren var defekt, byttet.")
    waiting = page.get_by_test_id("thread").get_by_test_id("waiting")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Jordfeilbryteren var defekt")
    expect(page.get_by_test_id("waiting-total")).to_contain_text("3")
    page.locator("#tab-customer").click()
    expect(waiting).to_have_count(2)
    expect(waiting.last.locator("img")).to_be_visible()  # the photo, from the phone
    screenshot(page, "pwa-phone-case-offline-waiting")

    # Still offline, the app is closed and opened again: all of it is still there, waiting.
    page.reload()
    ready(page, "case")
    expect(page.get_by_test_id("waiting-total")).to_contain_text("3")
    expect(page.get_by_test_id("thread").get_by_test_id("waiting")).to_have_count(2)
    assert sent_by(technician, visit) == []

    page.context.set_offline(False)
    expect(page.get_by_test_id("waiting-total")).to_be_hidden()
    expect(page.get_by_test_id("thread").get_by_test_id("waiting")).to_have_count(0)
    thread = page.get_by_test_id("thread")
    expect(thread).to_contain_text("Skapet er åpnet, måler nå.")
    expect(thread.locator(".message img")).to_have_count(1)

    messages = sent_by(technician, visit)
    assert [(m.audience, m.text) for m in messages] == [
        (Audience.CUSTOMER, "Skapet er åpnet, måler nå."),
        (Audience.CUSTOMER, "📷"),
        (Audience.INTERNAL, "Jordfeilbryteren var defekt, byttet."),
    ]
    assert all(m.client_id for m in messages)
    photos = list(Attachment.objects.filter(case=visit))
    assert [(a.name, a.message_id) for a in photos] == [("sikringsskap.png", messages[1].pk)]

    # The dispatcher saw each of them arrive, without a reload.
    staff_thread = staff.get_by_test_id("thread")
    staff.get_by_role("tab", name=re.compile("Kunde|Customer")).click()
    expect(staff_thread).to_contain_text("Skapet er åpnet, måler nå.")
    expect(staff_thread.locator(f'[data-message-id="{messages[1].pk}"] img')).to_be_visible()
    staff.get_by_role("tab", name=re.compile("Intern")).click()
    expect(staff_thread).to_contain_text("Jordfeilbryteren var defekt, byttet.")
    assert staff.evaluate("window.notReloaded") is True
    screenshot(page, "pwa-phone-case-sent")


def test_a_lost_answer_is_resent_and_lands_once(
    staff_page: StaffPage, technician: Member, visit: Case
) -> None:
    page = staff_page(technician, phone=True, path=f"/m/cases/{visit.pk}/")
    ready(page, "case")
    answers: list[int] = []

    def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch()  # the hub stores it …
        answers.append(response.status)
        if len(answers) == 1:
            route.abort("connectionreset")  # … and the phone never hears so
        else:
            route.fulfill(response=response)

    page.route(f"**/api/cases/{visit.pk}/messages", lose_the_first_answer)
    composer_send(page, "Ferdig for i dag.")
    expect(page.get_by_test_id("waiting-total")).to_contain_text("1")
    # The outbox tries again a few seconds later, with the same client_id.
    expect(page.get_by_test_id("waiting-total")).to_be_hidden(timeout=15_000)
    thread = page.get_by_test_id("thread")
    expect(thread.locator(".message", has_text="Ferdig for i dag.")).to_have_count(1)
    expect(thread.get_by_test_id("waiting")).to_have_count(0)
    assert answers == [201, 200]  # the resend found the message stored
    assert [m.text for m in sent_by(technician, visit)] == ["Ferdig for i dag."]


def push_control(page: Page, where: str) -> Locator:
    """The offer on the day (``offer``) or the switch in the menu (``switch``); its
    ``data-push`` says what the app found: unavailable, off or on."""
    return page.get_by_test_id(f"push-{where}")


def test_no_push_doors_no_notifications_offer(
    staff_page: StaffPage, technician: Member, visit: Case
) -> None:
    page = staff_page(technician, phone=True)
    page.context.route(
        "**/api/push/key",
        lambda route: route.fulfill(status=404, json={"error": {"code": "not_found"}}),
    )
    page.goto("/m/")
    ready(page, "day")
    expect(push_control(page, "switch")).to_have_attribute("data-push", "unavailable")
    expect(push_control(page, "offer")).to_have_attribute("data-push", "unavailable")
    expect(page.get_by_test_id("push-on")).to_have_count(0)
    page.locator(".m-menu summary").click()
    expect(push_control(page, "switch")).to_be_hidden()


def test_turning_notifications_on_and_off(
    staff_page: StaffPage, technician: Member, visit: Case
) -> None:
    page = staff_page(technician, phone=True)
    page.context.grant_permissions(["notifications"])
    # Headless Chromium reaches no push service: the browser's side of subscribing is played
    # here (a subscription as PushManager.subscribe gives one); the hub's doors are real.
    page.add_init_script(fake_push_manager())
    page.goto("/m/")
    ready(page, "day")
    offer = push_control(page, "offer")
    expect(offer).to_have_attribute("data-push", "off")
    with page.expect_response(
        lambda r: r.url.endswith("/api/push/subscriptions") and r.request.method == "POST"
    ) as answer:
        page.get_by_test_id("push-on").click()
    assert answer.value.status == 201
    body = answer.value.request.post_data_json
    assert body == {"endpoint": ENDPOINT, "keys": device_keys()}
    key = page.evaluate("window.subscribedWith")
    assert key == page.context.request.get("/api/push/key").json()["public_key"]
    expect(offer).to_have_attribute("data-push", "on")
    expect(page.get_by_test_id("push-on")).to_have_count(0)

    page.locator(".m-menu summary").click()
    expect(page.get_by_test_id("push-off")).to_be_visible()
    screenshot(page, "pwa-phone-menu-notifications-on")
    with page.expect_response(
        lambda r: r.url.endswith("/api/push/subscriptions") and r.request.method == "DELETE"
    ) as answer:
        page.get_by_test_id("push-off").click()
    assert answer.value.status == 204
    assert answer.value.request.post_data_json == {"endpoint": ENDPOINT}
    expect(push_control(page, "switch")).to_have_attribute("data-push", "off")
    assert page.evaluate("window.unsubscribed") is True


ENDPOINT = "https://push.example.net/push/pwa-test-device"
FAKE_PUSH_MANAGER = r"""
(() => {
  const keys = __KEYS__;
  const endpoint = __ENDPOINT__;
  let current = null;
  const toBase64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  PushManager.prototype.getSubscription = async function () { return current; };
  PushManager.prototype.subscribe = async function (options) {
    window.subscribedWith = toBase64url(options.applicationServerKey);
    current = {
      endpoint,
      options: { applicationServerKey: options.applicationServerKey },
      toJSON: () => ({ endpoint, expirationTime: null, keys }),
      unsubscribe: async () => { current = null; window.unsubscribed = true; return true; },
    };
    return current;
  };
})();
"""


def fake_push_manager() -> str:
    script = FAKE_PUSH_MANAGER.replace("__KEYS__", json.dumps(device_keys()))
    return script.replace("__ENDPOINT__", json.dumps(ENDPOINT))


def device_keys() -> dict[str, str]:
    """A subscription's keys as a browser makes them: a P-256 point and 16 bytes."""
    point = (
        ec.derive_private_key(7, ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {"p256dh": b64url(point), "auth": b64url(bytes(range(16)))}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_a_push_shows_a_notification(
    staff_page: StaffPage, technician: Member, visit: Case
) -> None:
    page = staff_page(technician, phone=True, path="/m/")
    ready(page, "day")
    controlled(page)
    page.context.grant_permissions(["notifications"])
    payload = {
        "title": "Ny tildeling",
        "body": f"{visit.reference} Jordfeil i sikringsskapet",
        "url": f"/m/cases/{visit.pk}/",
        "tag": f"case-{visit.pk}",
    }
    deliver_push(page, payload)
    shown = wait_for_notifications(page)
    assert shown == [
        {
            "title": "Ny tildeling",
            "body": payload["body"],
            "tag": payload["tag"],
            "url": f"/m/cases/{visit.pk}/",
        }
    ]


def deliver_push(page: Page, payload: dict[str, Any]) -> None:
    """Through DevTools, as a push service would: to the page's worker registration."""
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    origin = page.evaluate("location.origin")
    registration = next(r for r in registrations if r["scopeURL"] == f"{origin}/")
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": origin,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )


def wait_for_notifications(page: Page) -> list[dict[str, Any]]:
    """What the worker shows, once it shows something (the push is handled asynchronously; a
    predicate returning a promise would count as shown at once, so poll here)."""
    deadline = time.monotonic() + 10
    while True:
        shown: list[dict[str, Any]] = page.evaluate(
            """navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>
                 list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"""
        )
        if shown or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(50)
