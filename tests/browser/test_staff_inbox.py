"""The staff inbox in Chromium, two colleagues side by side (issue 7's acceptance): A writes to
the customer and an internal note mentioning B; B's inbox and bell follow without a reload; B
opens the case and A sees it read; A turns the customer channel off and the composer refuses;
a server restart loses and doubles nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from hub.accounts.models import Member
from hub.threads.models import Audience, Case, Message
from tests.browser.conftest import HubProcess, StaffPage
from tests.factories import make_customer_case, make_member, post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def anna(org: object) -> Member:
    return make_member(org, handle="anna", name="Anna Berg")  # type: ignore[arg-type]


@pytest.fixture
def bjorn(org: object) -> Member:
    return make_member(org, handle="bjorn", name="Bjørn Dahl")  # type: ignore[arg-type]


@pytest.fixture
def case(anna: Member) -> Case:
    case = make_customer_case(anna, "Jordfeil i sikringsskapet")
    # Older cases with newer activity than ours: ours is not on top until someone writes.
    for title in ("Varmekabler på badet", "Elbillader i garasjen", "Utelys på terrassen"):
        other = make_customer_case(anna, title)
        post(anna, other, f"Notat om {title.lower()}")
    return case


def row(page: Page, case: Case) -> object:
    return page.locator(f'[data-testid=inbox] [data-case-id="{case.pk}"]')


def composer_send(page: Page, text: str) -> None:
    box = page.get_by_test_id("composer").locator("textarea")
    box.fill(text)
    box.press("Enter")


def test_two_colleagues_work_a_case_live(
    staff_page: StaffPage, hub_process: HubProcess, anna: Member, bjorn: Member, case: Case
) -> None:
    a = staff_page(anna, path=f"/cases/{case.pk}/")
    b = staff_page(bjorn, path="/")
    expect(b.locator("html")).to_have_attribute("data-ready", "inbox")
    expect(a.locator("html")).to_have_attribute("data-ready", "case")
    first_row = b.locator("[data-testid=inbox] [data-case-id]").first
    expect(first_row).not_to_have_attribute("data-case-id", str(case.pk))
    b.evaluate("window.notReloaded = true")
    expect(b.locator("#bell-dot")).to_be_hidden()

    # A writes to the customer (by the portal), then an internal note for B.
    a.get_by_role("tab", name=re.compile("Kunde|Customer")).click()
    a.get_by_test_id("composer").locator("select").first.select_option("web")
    composer_send(a, "Hei! Vi kommer tirsdag mellom 8 og 10.")
    expect(a.get_by_test_id("thread")).to_contain_text("Vi kommer tirsdag")
    a.get_by_role("tab", name=re.compile("Intern")).click()
    box = a.get_by_test_id("composer").locator("textarea")
    box.press_sequentially("@bj")
    expect(a.locator("#mention-suggestions")).to_contain_text("Bjørn Dahl")
    box.press("Enter")  # chooses the suggestion
    box.press_sequentially("kan du ta denne?")
    box.press("Enter")
    expect(a.get_by_test_id("thread")).to_contain_text("@bjorn kan du ta denne?")
    note = Message.objects.get(case=case, audience=Audience.INTERNAL)
    assert list(note.mentions.values_list("member_id", flat=True)) == [bjorn.pk]

    # B: the case moves to the top with two unread, the bell gets its dot, no reload.
    expect(first_row).to_have_attribute("data-case-id", str(case.pk))
    expect(row(b, case).locator(".unread-badge")).to_have_text("2")
    expect(b.locator("#bell-dot")).to_be_visible()
    assert b.evaluate("window.notReloaded") is True
    b.locator("#bell").click()
    expect(b.locator("#bell-panel")).to_contain_text("Anna Berg")

    # B opens the case from the bell; A sees it read.
    b.locator("#bell-panel .notification a").first.click()
    expect(b.locator("html")).to_have_attribute("data-ready", "case")
    expect(b.get_by_test_id("thread")).to_contain_text("kan du ta denne?")
    expect(a.get_by_test_id("thread").get_by_test_id("seen-by")).to_contain_text("Bjørn Dahl")
    expect(a.get_by_test_id("viewers")).to_contain_text("Bjørn Dahl")

    # A turns the customer channel off: the composer refuses customer messages, and so does
    # the hub if asked anyway.
    a.get_by_role("tab", name=re.compile("Kunde|Customer")).click()
    a.get_by_test_id("customer-bell").click()
    expect(a.get_by_test_id("customer-bell")).to_have_attribute("aria-pressed", "false")
    composer = a.get_by_test_id("composer")
    expect(composer.locator(".composer-refusal")).to_be_visible()
    expect(composer.locator("textarea")).to_be_disabled()
    expect(composer.get_by_role("button", name=re.compile("Send"))).to_be_disabled()
    status = a.evaluate(
        """async (id) => {
          const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const answer = await fetch(`/api/cases/${id}/messages`, {method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify({audience: "customer", text: "Likevel?"})});
          return answer.status;
        }""",
        case.pk,
    )
    assert status == 409
    assert not Case.objects.get(pk=case.pk).customer_channel
    # B's inbox row shows the bell off (live, B is back in the inbox).
    b.go_back()
    expect(row(b, case).locator(".channel-bell")).to_have_attribute("aria-pressed", "false")


def test_a_server_restart_shows_every_message_once(
    staff_page: StaffPage, hub_process: HubProcess, anna: Member, bjorn: Member, case: Case
) -> None:
    for n in range(3):
        post(anna, case, f"Notat {n}")
    b = staff_page(bjorn, path=f"/cases/{case.pk}/")
    expect(b.locator("html")).to_have_attribute("data-ready", "case")
    b.get_by_role("tab", name=re.compile("Intern")).click()
    thread = b.get_by_test_id("thread")
    expect(thread.locator("[data-message-id]")).to_have_count(3)
    b.evaluate("window.notReloaded = true")

    hub_process.stop()
    expect(b.locator("html")).to_have_attribute("data-live", "closed")
    # Written while the server was down: the page must fetch it on reconnect.
    post(anna, case, "Skrevet mens serveren var nede")
    hub_process.start()
    expect(b.locator("html")).to_have_attribute("data-live", "open", timeout=20_000)
    expect(thread).to_contain_text("Skrevet mens serveren var nede")
    post(anna, case, "Skrevet etterpå")
    expect(thread).to_contain_text("Skrevet etterpå")
    ids = thread.locator("[data-message-id]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.messageId)"
    )
    assert len(ids) == len(set(ids)) == 5
    assert b.evaluate("window.notReloaded") is True
