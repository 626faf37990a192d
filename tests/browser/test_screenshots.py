"""Screenshots of the staff app on the demo data, desktop and phone: the inbox, a case and the
day board, saved among the artifacts (``artifacts/screenshots``) for a person to look at. The
pages must also render without a script error."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hub.accounts.models import Member
from hub.booking.models import Booking, State
from hub.demo.data import DEMO_PASSWORD
from hub.demo.seed import seed_demo
from tests.browser import screenshot
from tests.browser.conftest import StaffPage
from tests.servers import Server

pytestmark = pytest.mark.django_db(transaction=True)


# A control in the accessibility tree without a name: "- textbox", "- button [disabled]".
UNNAMED_CONTROL = re.compile(
    r"^\s*- '?(textbox|searchbox|combobox|listbox|checkbox|radio|spinbutton|slider|button|link|tab)"
    r"(?: \[[^\]]*\])*'?:?\s*$",
    re.MULTILINE,
)


def assert_no_leaked_values(page: Page) -> None:
    """A script's null, undefined or NaN printed where a person reads."""
    leaked = re.findall(r"\b(?:null|undefined|NaN)\b", page.locator("body").inner_text())
    assert leaked == []


def assert_controls_named(page: Page) -> None:
    """Every control a screen reader reaches has a name (a label, its text, aria-label)."""
    snapshot = page.locator("body").aria_snapshot()
    assert [m.group(0).strip() for m in UNNAMED_CONTROL.finditer(snapshot)] == []


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_screenshots_of_the_inbox_a_case_and_the_day_board(
    hub: Server, staff_page: StaffPage, phone: bool
) -> None:
    seed_demo()
    ola = Member.objects.get(user__username="ola")
    booking = (
        Booking.objects.filter(
            organization_id=ola.organization_id,
            state=State.AWAITING_RESPONSE,
            start__gte=timezone.now() - timedelta(days=1),
        )
        .order_by("start")
        .first()
    )
    assert booking is not None
    assert booking.start is not None
    day = timezone.localtime(booking.start, ZoneInfo(ola.organization.time_zone)).date()
    size = "phone" if phone else "desktop"
    errors: list[str] = []
    page = staff_page(ola, phone=phone, password=DEMO_PASSWORD, path="/")
    page.on("pageerror", lambda error: errors.append(str(error)))

    expect(page.locator("html")).to_have_attribute("data-ready", "inbox")
    screenshot(page, f"inbox-{size}")
    assert_no_leaked_values(page)
    assert_controls_named(page)

    page.goto(f"/cases/{booking.case_id}/")
    expect(page.locator("html")).to_have_attribute("data-ready", "case")
    expect(page.get_by_test_id("thread").locator("[data-message-id]").first).to_be_visible()
    expect(page.get_by_test_id("booking-panel").locator(".bk-state").first).to_be_visible()
    screenshot(page, f"case-{size}")
    assert_no_leaked_values(page)
    assert_controls_named(page)

    page.goto(f"/board/?date={day.isoformat()}")
    expect(page.locator("html")).to_have_attribute("data-ready", "board")
    expect(page.locator(f'[data-booking-id="{booking.pk}"]').first).to_be_visible()
    screenshot(page, f"day-board-{size}")
    assert_no_leaked_values(page)
    assert_controls_named(page)
    assert errors == []
