"""The shapes the demo content is written in: plain frozen dataclasses, no Django.

Kept apart from the content so each organisation's module reads as a script of what happened
there, and so the content can be checked (phones, e-mail domains, handles) without a database.

Times are strings, because a conversation is easier to write and review as a clock than as
arithmetic. A "d" is a working day (Monday to Friday), so planned work never lands on a Sunday:

- ``CaseSpec.opened``: ``"-9d 07:42"``, nine working days before the last one, at 07:42 local
  time.
- a step's ``at``: ``"+25m"``, ``"+2h"``, ``"+1h30m"`` after the previous step, or
  ``"+1d 08:10"``, the next working day at 08:10 (``"+0d 15:00"``: later the same day).
- a deadline: ``"+3d 15:00"``, three working days after the case was opened (``CaseSpec``) or
  after the step (``SetDeadline``), at 15:00.

Titles and message texts may name days relative to their own day, so that "Lars comes on
Thursday" is followed by Lars's note on that Thursday: ``{day+2}`` is the weekday two working
days later ("i morgen" when that is tomorrow), ``{Day+2}`` the same capitalised, ``{date+2}``
its date ("1. desember"), ``{week+5}`` its week number.

The seeder moves a whole organisation's timeline back a working day if any of it would
otherwise lie in the future, so the clock times stay believable whenever the demo is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RoleName = Literal["admin", "dispatcher", "technician"]
PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal["open", "pending", "resolved"]
InboundChannel = Literal["sms", "email", "portal"]


@dataclass(frozen=True)
class Person:
    """A login. One person may work in several organisations (see ``Staff.username``)."""

    username: str
    first_name: str
    last_name: str
    email: str
    superuser: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Staff:
    """A person's membership of one organisation. ``handle`` is what colleagues @-mention."""

    username: str
    role: RoleName
    handle: str
    phone: str


@dataclass(frozen=True)
class TeamSpec:
    name: str
    handles: tuple[str, ...]


@dataclass(frozen=True)
class ContactSpec:
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CustomerSpec:
    """``key`` is how the cases below refer to the customer; it is not stored."""

    key: str
    name: str
    street: str
    postal_code: str
    city: str
    contacts: tuple[ContactSpec, ...]
    is_business: bool = False
    external_reference: str = ""


# The steps of a case, in the order they happen. ``by`` is a member's handle.


@dataclass(frozen=True)
class FromCustomer:
    """A customer's message arriving. ``contact`` indexes the customer's contacts."""

    at: str
    channel: InboundChannel
    text: str
    contact: int = 0


@dataclass(frozen=True)
class ToCustomer:
    at: str
    by: str
    text: str


@dataclass(frozen=True)
class Note:
    """An internal note; ``@handle`` in it mentions a colleague."""

    at: str
    by: str
    text: str


@dataclass(frozen=True)
class Assign:
    """To a member (handle), a team (name), or to nobody when both are ``None``."""

    at: str
    by: str
    member: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class TakeOver:
    at: str
    by: str


@dataclass(frozen=True)
class SetStatus:
    at: str
    by: str
    status: StatusName


@dataclass(frozen=True)
class SetPriority:
    at: str
    by: str
    priority: PriorityName


@dataclass(frozen=True)
class SetDeadline:
    at: str
    by: str
    deadline: str | None


@dataclass(frozen=True)
class CustomerChannel:
    at: str
    by: str
    enabled: bool


@dataclass(frozen=True)
class Portal:
    at: str
    by: str
    visible: bool


@dataclass(frozen=True)
class Read:
    """``by`` reads the case up to its latest message."""

    at: str
    by: str


Step = (
    FromCustomer
    | ToCustomer
    | Note
    | Assign
    | TakeOver
    | SetStatus
    | SetPriority
    | SetDeadline
    | CustomerChannel
    | Portal
    | Read
)


@dataclass(frozen=True)
class CaseSpec:
    """A case as its creator ``by`` opened it, then what happened to it. ``customer`` is a
    ``CustomerSpec.key``; without one the case is internal."""

    title: str
    opened: str
    by: str
    steps: tuple[Step, ...]
    customer: str | None = None
    contact: int = 0
    member: str | None = None
    team: str | None = None
    priority: PriorityName = "normal"
    deadline: str | None = None
    portal_visible: bool = False
    customer_channel: bool = False
    external_reference: str = ""


@dataclass(frozen=True)
class OrganizationSpec:
    """``first_case_number``: where the case numbers continue from, as if the company had used
    another system before (a demo full of ``S-1001`` looks like a fresh install)."""

    name: str
    slug: str
    locale: str
    time_zone: str
    country: str
    case_prefix: str
    sms_sender_name: str
    first_case_number: int
    staff: tuple[Staff, ...]
    teams: tuple[TeamSpec, ...]
    customers: tuple[CustomerSpec, ...]
    cases: tuple[CaseSpec, ...]
