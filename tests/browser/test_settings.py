"""The settings screen in Chromium: an administrator adds a member, sees the temporary password
once and puts the new member on a new team; a dispatcher has only their own sections; a member
switches to Swedish and the page comes back in Swedish; a refused change is shown next to its
field and keeps what was typed.

The selectors are names, ids and test ids rather than English words: the JavaScript catalogue
translates the app's words, and these tests run in a Norwegian organisation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from hub.accounts.models import Member, Role, Team, User
from tests.browser import screenshot
from tests.browser.conftest import StaffPage
from tests.factories import make_customer_case

pytestmark = pytest.mark.django_db(transaction=True)

TEMPORARY_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")


def open_section(page: Page, section: str) -> None:
    """Wait until the section is mounted and has rendered its data (``data-ready``)."""
    expect(page.locator(f'[data-testid=settings][data-section="{section}"]')).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-ready", "settings")


def nav_link(page: Page, section: str) -> Locator:
    return page.locator(f'[data-testid=settings] nav a[href="/settings/{section}/"]')


def test_an_admin_adds_a_member_and_puts_them_on_a_new_team(
    staff_page: StaffPage, admin_member: Member, dispatcher: Member
) -> None:
    page = staff_page(admin_member, path="/settings/")
    open_section(page, "members")  # an administrator's default section
    expect(page.locator(".st-members tbody tr.st-member")).to_have_count(2)

    page.get_by_test_id("add-member").click()
    form = page.get_by_test_id("add-member-form")
    form.locator("[name=name]").fill("Per Hansen")
    form.locator("[name=username]").fill("per.hansen")
    form.locator("[name=email]").fill("per.hansen@example.no")
    form.locator("[name=role]").select_option(Role.TECHNICIAN)
    form.locator("button[type=submit]").click()

    password = page.get_by_test_id("temporary-password")
    expect(password).to_have_text(TEMPORARY_PASSWORD)
    expect(page.get_by_test_id("member-added")).to_contain_text("Per Hansen")
    expect(page.locator(".st-members tbody tr.st-member")).to_have_count(3)
    screenshot(page, "settings-member-added")
    added = Member.objects.select_related("user").get(user__username="per.hansen")
    assert added.organization_id == admin_member.organization_id
    assert added.role == Role.TECHNICIAN
    assert added.handle == "per"
    assert added.user.check_password(password.inner_text())

    # The same username again is refused next to the field, and what was typed stays.
    page.get_by_test_id("add-member").click()
    form.locator("[name=name]").fill("Per Hansen")
    form.locator("[name=username]").fill("per.hansen")
    form.locator("[name=email]").fill("per.hansen@example.no")
    form.locator("button[type=submit]").click()
    error = form.locator("[name=username] ~ .field-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).not_to_be_empty()
    expect(form.locator("[name=username]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[name=username]")).to_be_focused()
    expect(form.locator("[name=email]")).to_have_value("per.hansen@example.no")

    # A new team with the new member.
    nav_link(page, "teams").click()
    open_section(page, "teams")
    page.get_by_test_id("new-team").click()
    team_form = page.locator("#st-add-team form")
    team_form.locator("[name=name]").fill("Varmepumper")
    team_form.locator(f'input[name=member_ids][value="{added.pk}"]').check()
    team_form.locator("button[type=submit]").click()

    card = page.locator(".st-team", has=page.locator("h3", has_text="Varmepumper"))
    expect(card).to_contain_text("Per Hansen")
    team = Team.objects.get(organization=admin_member.organization, name="Varmepumper")
    assert list(team.members.values_list("pk", flat=True)) == [added.pk]
    screenshot(page, "settings-team-created")


def test_a_dispatcher_sees_only_their_own_sections(
    staff_page: StaffPage, dispatcher: Member
) -> None:
    page = staff_page(dispatcher, path="/settings/")
    open_section(page, "profile")  # everyone else's default
    links = page.locator("[data-testid=settings] nav a")
    expect(links).to_have_count(3)
    for section in ("profile", "notifications", "templates"):
        expect(nav_link(page, section)).to_have_count(1)
    expect(nav_link(page, "members")).to_have_count(0)
    expect(page.locator("[data-testid=settings] [name=name]")).to_have_value(
        dispatcher.display_name
    )

    # The address typed in: no members, and no request for them.
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto("/settings/members/")
    open_section(page, "members")
    expect(page.locator("[data-testid=settings] .empty")).to_be_visible()
    expect(page.locator(".st-members")).to_have_count(0)
    assert not [url for url in asked if "/api/members" in url]
    screenshot(page, "settings-dispatcher-no-members")


def test_a_member_switches_to_swedish_and_the_page_comes_back_in_swedish(
    staff_page: StaffPage, technician: Member
) -> None:
    page = staff_page(technician, phone=True, path="/settings/profile/")
    open_section(page, "profile")
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    page.locator("[data-testid=settings] select[name=language]").select_option("sv")
    with page.expect_navigation():
        page.locator("[data-testid=settings] button[type=submit]").click()

    open_section(page, "profile")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_title(re.compile("Hubben"))  # the shell, rendered by the server
    expect(page.locator(".usermenu form button[type=submit]")).to_have_text("Logga ut")
    expect(page.locator("[data-testid=settings] select[name=language]")).to_have_value("sv")
    assert User.objects.get(pk=technician.user_id).language == "sv"
    screenshot(page, "settings-swedish-phone")


def test_an_admin_edits_a_text_and_sees_it_filled_in_for_a_case(
    staff_page: StaffPage, admin_member: Member
) -> None:
    make_customer_case(admin_member, "Varmepumpe i kjelleren")
    page = staff_page(admin_member, path="/settings/templates/?text=booking_request.sms")
    open_section(page, "templates")
    preview = page.get_by_test_id("template-preview")
    expect(preview).to_contain_text(admin_member.organization.name)

    body = page.locator("[data-testid=settings] textarea[name=body]")
    body.fill("Hei fra {company}! {nextBookingDay}")
    # An unknown tag is pointed at before saving.
    problem = page.locator("[data-testid=settings] .st-tpl-form .field-error:not([hidden])")
    expect(problem).to_contain_text("{nextBookingDay}")
    expect(body).to_have_attribute("aria-invalid", "true")

    body.fill("Hei fra {company}! Saken er {orderRef}.")
    expect(problem).to_have_count(0)
    expect(preview).to_contain_text(f"Hei fra {admin_member.organization.name}! Saken er S-")
    page.locator("[data-testid=settings] .st-tpl-form button[type=submit]").click()
    expect(page.locator("[data-testid=settings] .st-tpl-head .st-badge-own")).to_be_visible()
    screenshot(page, "settings-template-saved")
