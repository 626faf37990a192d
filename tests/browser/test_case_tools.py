"""The tools of the staff app beyond the two-colleague walk-through: the composer's SMS
counter, a template filled in for the case, a photo dropped on the composer, the typing
indicator, and the inbox's keyboard and table view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hub.accounts.models import Member
from hub.threads.models import Audience, Message
from tests.booking.helpers import at, plan, sent_case
from tests.browser.conftest import StaffPage
from tests.factories import make_customer_case, make_member, png_bytes, post

pytestmark = pytest.mark.django_db(transaction=True)

DROP_PHOTO = """(bytes) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(bytes)], "sikringsskap.png", {type: "image/png"}));
  return data;
}"""


def test_the_composer_counts_sms_fills_in_a_template_and_takes_a_dropped_photo(
    staff_page: StaffPage, dispatcher: Member
) -> None:
    case = make_customer_case(dispatcher, "Jordfeil i sikringsskapet")
    page = staff_page(dispatcher, path=f"/cases/{case.pk}/")
    expect(page.locator("html")).to_have_attribute("data-ready", "case")
    composer = page.get_by_test_id("composer")

    composer.locator("select").first.select_option("sms")
    composer.locator("textarea").fill("Hei! Vi kommer i morgen mellom 8 og 10.")
    expect(page.get_by_test_id("sms-counter")).to_contain_text(re.compile(r"^1 SMS"))
    expect(page.get_by_test_id("sms-counter")).to_contain_text("GSM-7")
    composer.locator("textarea").fill("Hei! Vi kommer i morgen \u2013 mellom 8 og 10. " * 4)
    expect(page.get_by_test_id("sms-counter")).to_contain_text(re.compile(r"^3 SMS"))
    expect(page.get_by_test_id("sms-counter")).to_contain_text("UCS-2")

    composer.get_by_role("button", name=re.compile("Maler|Templates")).click()
    composer.locator(".template-list button").first.click()
    expect(composer.locator(".template-preview")).to_contain_text(case.reference)
    composer.locator(".template-panel .btn-primary").click()
    expect(composer.locator("textarea")).to_have_value(re.compile(case.reference))

    composer.locator("select").first.select_option("web")
    composer.locator("textarea").fill("Her er bildet av skapet.")
    data = page.evaluate_handle(DROP_PHOTO, list(png_bytes(40, 30)))
    composer.dispatch_event("drop", {"dataTransfer": data})
    expect(composer.locator(".file-chip.ready")).to_contain_text("sikringsskap.png")
    composer.locator("textarea").press("Enter")
    thread = page.get_by_test_id("thread")
    expect(thread.locator("img[alt='sikringsskap.png']")).to_be_visible()
    message = Message.objects.get(case=case, text="Her er bildet av skapet.")
    assert message.audience == Audience.CUSTOMER
    assert [a.name for a in message.attachments.all()] == ["sikringsskap.png"]


def test_a_colleague_sees_who_is_typing(staff_page: StaffPage, dispatcher: Member) -> None:
    colleague = make_member(dispatcher.organization, handle="siri", name="Siri Lund")
    case = make_customer_case(dispatcher)
    a = staff_page(dispatcher, path=f"/cases/{case.pk}/")
    b = staff_page(colleague, path=f"/cases/{case.pk}/")
    expect(b.get_by_test_id("viewers")).to_contain_text(dispatcher.display_name)
    a.get_by_test_id("composer").locator("textarea").press_sequentially("Ringer kunden nå")
    expect(b.get_by_test_id("typing")).to_contain_text(dispatcher.display_name)


def test_the_inbox_by_keyboard_and_as_a_sorted_table(
    staff_page: StaffPage, dispatcher: Member
) -> None:
    titles = ["Varmekabler på badet", "Elbillader i garasjen", "Utelys på terrassen"]
    for title in titles:
        post(dispatcher, make_customer_case(dispatcher, title), f"Notat: {title}")
    page = staff_page(dispatcher, path="/")
    expect(page.locator("html")).to_have_attribute("data-ready", "inbox")
    rows = page.locator("[data-testid=inbox] [data-case-id] a")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Utelys på terrassen")  # the newest activity first

    page.keyboard.press("/")
    expect(page.locator("#inbox-search")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("data-ready", "case")
    expect(page.locator(".case-head h1")).to_contain_text("Elbillader i garasjen")
    page.go_back()

    expect(page.locator("html")).to_have_attribute("data-ready", "inbox")
    page.get_by_role("button", name=re.compile("^(Tabell|Table)$")).click()
    page.get_by_role("columnheader", name=re.compile("Tittel|Title")).get_by_role("button").click()
    titles_shown = page.locator(".case-table tbody tr td:nth-child(2)").all_inner_texts()
    assert titles_shown == sorted(titles)
    expect(page).to_have_url(re.compile(r"view=table.*sort=title|sort=title.*view=table"))
    page.reload()
    titles_shown = page.locator(".case-table tbody tr td:nth-child(2)").all_inner_texts()
    assert titles_shown == sorted(titles)


def test_a_rescheduled_booking_shows_the_old_notice_outdated_in_red(
    staff_page: StaffPage, dispatcher: Member, technician: Member
) -> None:
    case = sent_case(dispatcher, technician)
    plan(dispatcher, case, technician, at(13))  # the customer was told 10:00: told again
    page = staff_page(dispatcher, path=f"/cases/{case.pk}/")
    expect(page.locator("html")).to_have_attribute("data-ready", "case")
    page.locator("details[data-section=sent] summary").click()
    log = page.get_by_test_id("sent-log")
    expect(log.locator("li")).to_have_count(2)
    stale = log.locator("li.stale")
    expect(stale).to_have_count(1)
    expect(stale.locator(".stale-mark")).to_be_visible()
    colour = stale.evaluate("node => getComputedStyle(node).color")
    assert colour == "rgb(179, 38, 30)"  # --danger
