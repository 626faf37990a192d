"""The tag language: what is a tag, what is text, what is refused when saved."""

from __future__ import annotations

import pytest
from django.utils import translation

from hub.booking.tags import TAGS, check_template, render, tag_help, unknown_tags
from hub.errors import HubError


def test_the_known_tags_are_serviceprotokolls_and_ours() -> None:
    assert TAGS == (
        "company",
        "futureBookings",
        "orderRef",
        "nextBooking",
        "nextBookingName",
        "nextBookingDate",
        "nextBookingTime",
        "facilityOrCustomer",
        "customerOrderNumber",
        "serviceObjects",
        "bookingCode",
        "replyInstructions",
    )


def test_unknown_tags_come_in_order_of_appearance_each_once() -> None:
    text = "{b_tag} {company} {aTag} {b_tag} {orderRef} {aTag}"
    assert unknown_tags(text) == ["b_tag", "aTag"]


@pytest.mark.parametrize(
    "text",
    ["Pris: { } kr", "a { b", "c } d", "{1}", "{ company }", "{}", "{-x}", "{{", "}{"],
)
def test_braces_that_are_no_tag_are_text(text: str) -> None:
    assert unknown_tags(text) == []
    check_template("", text)
    assert render(text, {"company": "X"}) == text


def test_render_replaces_every_tag_in_one_pass() -> None:
    values = {"company": "{orderRef}", "orderRef": "S-1042"}
    assert render("{company} / {orderRef} / {orderRef}", values) == "{orderRef} / S-1042 / S-1042"


def test_render_leaves_a_tag_without_a_value_standing() -> None:
    assert render("Hei {retired}", {}) == "Hei {retired}"


def test_an_unknown_tag_in_the_body_is_refused_and_named() -> None:
    with translation.override("en"), pytest.raises(HubError) as refused:
        check_template("Hei", "Vi kommer {nextBookingDate} {weather}.")
    assert refused.value.field == "body"
    assert refused.value.code == "unknown_tag"
    assert "{weather}" in refused.value.message
    assert "{nextBookingDate}" in refused.value.message  # the known tags are listed


def test_a_near_miss_suggests_the_tag_meant() -> None:
    with translation.override("en"), pytest.raises(HubError) as refused:
        check_template("Besøk {OrderRef}", "Hei")
    assert refused.value.field == "subject"
    assert refused.value.message == "Unknown tag {OrderRef}. Did you mean {orderRef}?"

    with translation.override("en"), pytest.raises(HubError) as refused:
        check_template("", "{nextBookingDay}")
    assert "{nextBookingDay}" in refused.value.message
    assert "{nextBookingDate}" in refused.value.message


@pytest.mark.parametrize("body", ["", "  \n\t "])
def test_an_empty_text_is_refused(body: str) -> None:
    with pytest.raises(HubError) as refused:
        check_template("Emne", body)
    assert refused.value.field == "body"


def test_the_tag_help_describes_every_tag() -> None:
    with translation.override("en"):
        helps = tag_help()
    assert [h["tag"] for h in helps] == list(TAGS)
    assert all(h["description"] for h in helps)
