"""When the demo's events happen: its content is written against a calendar of working days
that ends today, turned here into moments.

Days count Monday to Friday only, so a job promised for "the day after tomorrow" never lands on a
Sunday, and a weekday named in a message (``{day+2}``) is the day the follow-up really happens.
See ``hub.demo.spec`` for the notation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton

from hub.demo.spec import CaseSpec, OrganizationSpec, Step

_OPENED = re.compile(r"-(\d+)d (\d\d):(\d\d)")
_DAY_LATER = re.compile(r"\+(\d+)d (\d\d):(\d\d)")
_AFTER = re.compile(r"\+(?:(\d+)h)?(?:(\d+)m)?")
_DEADLINE = re.compile(r"\+(\d+)d (\d\d):(\d\d)")
_PLACEHOLDER = re.compile(r"\{(day|Day|date|week)\+(\d+)\}")
_TOMORROW = {"nb": "i morgen", "sv": "i morgon", "da": "i morgen", "en": "tomorrow"}


@dataclass(frozen=True)
class Planned:
    """One moment of the demo: a case opened (``step`` is ``None``) or a step taken on it."""

    when: datetime
    organization: OrganizationSpec
    case_index: int
    step: Step | None


def add_workdays(day: date, count: int) -> date:
    """``count`` working days after ``day`` (before it when negative)."""
    direction = 1 if count >= 0 else -1
    while count:
        day += timedelta(days=direction)
        if day.weekday() < 5:
            count -= direction
    return day


def last_workday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def plan_organization(spec: OrganizationSpec, now: datetime) -> list[Planned]:
    """The organisation's timeline in time order, all of it before ``now``. Day 0 is the last
    working day; if something planned for it has not happened yet (the demo loaded at six in
    the morning), the whole timeline moves back a working day."""
    zone = ZoneInfo(spec.time_zone)
    day_zero = last_workday(now.astimezone(zone).date())
    for _attempt in range(3):
        plan = [
            entry
            for index, case in enumerate(spec.cases)
            for entry in _plan_case(spec, index, case, day_zero, zone)
        ]
        if max(entry.when for entry in plan) < now - timedelta(minutes=5):
            return sorted(plan, key=lambda entry: entry.when)
        day_zero = add_workdays(day_zero, -1)
    raise ValueError(f"The demo timeline of {spec.name} lies in the future.")


def _plan_case(
    spec: OrganizationSpec, index: int, case: CaseSpec, day_zero: date, zone: ZoneInfo
) -> list[Planned]:
    match = _OPENED.fullmatch(case.opened)
    if match is None:
        raise ValueError(f"{case.title}: opened looks like '-9d 07:42', not {case.opened!r}")
    clock = _local(add_workdays(day_zero, -int(match[1])), match[2], match[3], zone)
    # Seconds, so times do not all look typed in by hand; +20 s keeps a case's steps apart.
    moments = [clock + timedelta(seconds=(7 * index + 5) % 60)]
    for number, step in enumerate(case.steps, start=1):
        moment = _after(step.at, clock, zone)
        if moment < clock:
            raise ValueError(f"{case.title}: step {number} ({step.at}) goes back in time")
        clock = moment
        jitter = timedelta(seconds=(7 * index + 13 * number + 5) % 60)
        moments.append(max(clock + jitter, moments[-1] + timedelta(seconds=20)))
    steps: list[Step | None] = [None, *case.steps]
    return [
        Planned(when=moment, organization=spec, case_index=index, step=step)
        for moment, step in zip(moments, steps, strict=True)
    ]


def _after(spec: str, previous: datetime, zone: ZoneInfo) -> datetime:
    match = _DAY_LATER.fullmatch(spec)
    if match is not None:
        day = add_workdays(previous.astimezone(zone).date(), int(match[1]))
        return _local(day, match[2], match[3], zone)
    match = _AFTER.fullmatch(spec)
    if match is None or (match[1] is None and match[2] is None):
        raise ValueError(f"A step's time looks like '+25m', '+2h' or '+1d 08:10', not {spec!r}")
    return previous + timedelta(hours=int(match[1] or 0), minutes=int(match[2] or 0))


def _local(day: date, hour: str, minute: str, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(int(hour), int(minute)), tzinfo=zone)


def deadline(spec: str | None, when: datetime, zone: ZoneInfo) -> datetime | None:
    """``"+3d 15:00"``: three working days after ``when``'s day, at 15:00 there."""
    if spec is None:
        return None
    match = _DEADLINE.fullmatch(spec)
    if match is None:
        raise ValueError(f"A deadline looks like '+3d 15:00', not {spec!r}")
    day = add_workdays(when.astimezone(zone).date(), int(match[1]))
    return _local(day, match[2], match[3], zone)


def render(text: str, when: datetime, zone: ZoneInfo, locale: str) -> str:
    """Fill in ``{day+N}`` (the weekday N working days after ``when``, or "tomorrow" when that
    is the next day), ``{Day+N}`` (the same, capitalised), ``{date+N}`` (its day of the month,
    "1. desember") and ``{week+N}`` (its week number)."""
    today = when.astimezone(zone).date()

    def fill(match: re.Match[str]) -> str:
        day = add_workdays(today, int(match[2]))
        if match[1] == "week":
            return str(day.isocalendar().week)
        if match[1] == "date":
            return format_skeleton("MMMMd", day, locale=locale)
        if day == today + timedelta(days=1) and locale in _TOMORROW:
            name = _TOMORROW[locale]
        else:
            name = format_date(day, "EEEE", locale=locale)
        return name[:1].upper() + name[1:] if match[1] == "Day" else name

    rendered = _PLACEHOLDER.sub(fill, text)
    if "{" in rendered or "}" in rendered:
        raise ValueError(f"Unknown placeholder in {text!r}")
    return rendered
