"""Smoke tests of the browser set-up: the login form in Chromium, and the staff websocket from a
logged-in page, against a real hub server."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from hub.accounts.models import Member, Organization
from tests.browser.conftest import NewPage, StaffPage
from tests.factories import PASSWORD, make_case, make_member
from tests.servers import Server

# Opens the staff socket as the app does (same origin, the session cookie goes along) and
# resolves with the first frame the server sends.
FIRST_FRAME = """() => new Promise((resolve, reject) => {
  const socket = new WebSocket(`ws://${location.host}/ws/`);
  const timer = setTimeout(() => reject(new Error("no frame within 10 s")), 10000);
  socket.onmessage = (event) => { clearTimeout(timer); socket.close(); resolve(event.data); };
  socket.onclose = (event) => reject(new Error(`closed with ${event.code} before a frame`));
})"""


def test_the_login_form_refuses_a_wrong_password_and_lets_the_right_one_in(
    hub: Server, browser_page: NewPage, dispatcher: Member
) -> None:
    page = browser_page()
    page.goto("/login/")
    page.locator("input[name=username]").fill(dispatcher.user.username)
    page.locator("input[name=password]").fill("not the password")
    page.locator("button[type=submit]").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/(\?.*)?$"))

    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()

    page.wait_for_url(f"{hub.http}/")
    assert page.evaluate("document.documentElement.lang")


def test_a_logged_in_page_opens_the_staff_websocket(
    staff_page: StaffPage, dispatcher: Member
) -> None:
    page = staff_page(dispatcher, path="/")

    frame = json.loads(page.evaluate(FIRST_FRAME))

    assert frame["type"] == "hello", frame


def test_a_member_of_two_organisations_switches_between_them(
    staff_page: StaffPage, dispatcher: Member, other_org: Organization
) -> None:
    make_member(other_org, user=dispatcher.user, handle="samme")
    make_case(dispatcher, "Sak hos det første firmaet")
    elsewhere = make_member(other_org, handle="kollega")
    make_case(elsewhere, "Sak hos det andre firmaet")
    page = staff_page(dispatcher, path="/")
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_contain_text("Sak hos det første firmaet")
    expect(page.locator(".brand")).to_have_text(dispatcher.organization.name)

    page.locator(".usermenu summary").click()
    page.locator("#org-switch").select_option(str(other_org.pk))

    expect(page.locator(".brand")).to_have_text(other_org.name)
    expect(inbox).to_contain_text("Sak hos det andre firmaet")
    expect(inbox).not_to_contain_text("Sak hos det første firmaet")
