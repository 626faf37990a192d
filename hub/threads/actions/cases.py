"""Creating a case and changing who owns it and where it stands."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Team
from hub.customers.models import Contact, Customer
from hub.errors import Conflict, Forbidden, HubError
from hub.events import send_event_on_commit
from hub.notify.actions import notify
from hub.notify.recipients import assignees
from hub.portal.events import publish_portal_closed
from hub.threads.access import check_can_manage
from hub.threads.actions._common import (
    assignee_groups,
    case_watchers,
    log_event,
    publish_case_updated,
)
from hub.threads.events import CaseCreated
from hub.threads.models import Case, CaseSequence, EventKind, Priority, Status
from hub.threads.payloads import case_payload


def allocate_case_number(organization_id: int) -> int:
    """The next case number of the organisation.

    Precondition: inside a transaction. The sequence row stays locked until it commits, so two
    creators never draw the same number and a rolled-back creation gives its number back."""
    CaseSequence.objects.get_or_create(organization_id=organization_id)
    sequence = CaseSequence.objects.select_for_update().get(organization_id=organization_id)
    CaseSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    return sequence.last_number + 1


def do_create_case(
    actor: Member,
    *,
    title: str,
    customer: Customer | None = None,
    contact: Contact | None = None,
    assignee_member: Member | None = None,
    assignee_team: Team | None = None,
    priority: str = Priority.NORMAL,
    deadline: datetime | None = None,
    portal_visible: bool = False,
    customer_channel: bool = False,
    external_reference: str = "",
) -> Case:
    """A customer case (``customer`` given) or an internal one. A technician's new case is
    theirs: they may not hand work to others."""
    title = title.strip()
    if not title:
        raise HubError(_("A case needs a title."), field="title")
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        raise HubError(_("The contact is not one of the customer's contacts."), field="contact")
    if customer is None and (customer_channel or portal_visible):
        raise HubError(
            _("An internal case has no customer to write to or show the portal to."),
            field="customer_channel",
        )
    if assignee_member is not None and assignee_team is not None:
        raise HubError(_("Assign a case to a member or a team, not both."), field="assignee")
    if priority not in Priority.values:
        raise HubError(_("Unknown priority."), field="priority")
    if deadline is not None and timezone.is_naive(deadline):
        raise HubError(_("A deadline needs a time zone."), field="deadline")
    if actor.is_technician:
        if assignee_team is not None or assignee_member not in (None, actor):
            raise Forbidden(_("Technicians may only create cases for themselves."))
        # What a technician may not change on a case, they may not set when creating one.
        if priority != Priority.NORMAL or deadline or customer_channel or portal_visible:
            raise Forbidden(
                _(
                    "Only administrators and dispatchers may set priority, deadline, "
                    "customer communication or portal visibility."
                )
            )
        assignee_member = actor
    organization_id = actor.organization_id
    for row in (customer, contact, assignee_member, assignee_team):
        if row is not None and row.organization_id != organization_id:
            raise HubError(_("That belongs to another organisation."))

    with transaction.atomic():
        case = Case.objects.create(
            organization_id=organization_id,
            number=allocate_case_number(organization_id),
            title=title,
            customer=customer,
            contact=contact,
            assignee_member=assignee_member,
            assignee_team=assignee_team,
            priority=priority,
            deadline=deadline,
            portal_visible=portal_visible,
            customer_channel=customer_channel,
            external_reference=external_reference.strip(),
            created_by=actor,
            last_activity=timezone.now(),
        )
        case.organization = actor.organization
        log_event(case, EventKind.CASE_CREATED, member=actor, reference=case.reference)
        notify("assigned", assignees(case), case=case, actor_member=actor)
        _publish_created(case)
    return case


def _publish_created(case: Case) -> None:
    event: CaseCreated = {
        "type": "case.created",
        "organization_id": case.organization_id,
        "case_id": case.pk,
        "case": case_payload(case),
    }
    send_event_on_commit(event, case_watchers(case))


def open_unsorted_case(
    organization_id: int, *, title: str, customer: Customer, contact: Contact | None
) -> Case:
    """A case the hub opens by itself for a customer's mail or SMS that matched no case: in the
    "unsorted" queue until someone moves the message or keeps the case. Customer communication
    is on: the customer wrote, so staff may answer.

    Precondition: inside the transaction that stores the customer's message."""
    case = Case.objects.create(
        organization_id=organization_id,
        number=allocate_case_number(organization_id),
        title=title.strip()[:200] or _("(no subject)"),
        customer=customer,
        contact=contact,
        customer_channel=True,
        unsorted=True,
        last_activity=timezone.now(),
    )
    log_event(case, EventKind.CASE_CREATED, reference=case.reference, unsorted=True)
    _publish_created(case)
    return case


def do_assign_case(
    actor: Member, case: Case, *, member: Member | None = None, team: Team | None = None
) -> Case:
    """Give the case to a member or a team, or to nobody (both ``None``)."""
    check_can_manage(actor)
    if member is not None and team is not None:
        raise HubError(_("Assign a case to a member or a team, not both."), field="assignee")
    for row in (member, team):
        if row is not None and row.organization_id != case.organization_id:
            raise HubError(_("That belongs to another organisation."), field="assignee")
    if case.assignee_member == member and case.assignee_team == team:
        return case
    before = assignee_groups(case.assignee_member_id, case.assignee_team_id, case.organization_id)
    with transaction.atomic():
        case.assignee_member = member
        case.assignee_team = team
        case.save(update_fields=["assignee_member", "assignee_team"])
        notify("assigned", assignees(case), case=case, actor_member=actor)
        log_event(
            case,
            EventKind.ASSIGNED,
            member=actor,
            member_id=None if member is None else member.pk,
            member_name=None if member is None else member.display_name,
            team_id=None if team is None else team.pk,
            team_name=None if team is None else team.name,
        )
        publish_case_updated(case, ["assignee"], also=before)
    return case


def do_take_over_case(actor: Member, case: Case) -> Case:
    """Someone in the case's team takes it as their own (WorkCloud's group assignment)."""
    if case.assignee_member_id == actor.pk:
        return case
    if case.assignee_team is None:
        raise Conflict(_("Only a case assigned to a team can be taken over."))
    if not actor.sees_every_case and not case.assignee_team.members.filter(pk=actor.pk).exists():
        raise Forbidden(
            _("Only members of %(team)s may take this case.") % {"team": case.assignee_team.name}
        )
    with transaction.atomic():
        team = case.assignee_team
        case.assignee_member = actor
        case.assignee_team = None
        case.save(update_fields=["assignee_member", "assignee_team"])
        log_event(case, EventKind.TAKEN_OVER, member=actor, team_id=team.pk, team_name=team.name)
        publish_case_updated(
            case, ["assignee"], also=assignee_groups(None, team.pk, case.organization_id)
        )
    return case


def do_change_status(actor: Member, case: Case, status: str) -> Case:
    """Anyone who sees the case may move its status: the technician finishing a job too."""
    if status not in Status.values:
        raise HubError(_("Unknown status."), field="status")
    if case.status == status:
        return case
    with transaction.atomic():
        before = case.status
        case.status = status
        case.save(update_fields=["status"])
        log_event(case, EventKind.STATUS_CHANGED, member=actor, before=before, after=status)
        publish_case_updated(case, ["status"])
    return case


def do_change_priority(actor: Member, case: Case, priority: str) -> Case:
    check_can_manage(actor)
    if priority not in Priority.values:
        raise HubError(_("Unknown priority."), field="priority")
    if case.priority == priority:
        return case
    with transaction.atomic():
        before = case.priority
        case.priority = priority
        case.save(update_fields=["priority"])
        log_event(case, EventKind.PRIORITY_CHANGED, member=actor, before=before, after=priority)
        publish_case_updated(case, ["priority"])
    return case


def do_change_deadline(actor: Member, case: Case, deadline: datetime | None) -> Case:
    check_can_manage(actor)
    if deadline is not None and timezone.is_naive(deadline):
        raise HubError(_("A deadline needs a time zone."), field="deadline")
    if case.deadline == deadline:
        return case
    with transaction.atomic():
        before = case.deadline
        case.deadline = deadline
        case.save(update_fields=["deadline"])
        log_event(
            case,
            EventKind.DEADLINE_CHANGED,
            member=actor,
            before=None if before is None else before.isoformat(),
            after=None if deadline is None else deadline.isoformat(),
        )
        publish_case_updated(case, ["deadline"])
    return case


def do_set_customer_channel(actor: Member, case: Case, enabled: bool) -> Case:
    """Jublo's bell: whether messages may go to the customer on this case."""
    check_can_manage(actor)
    if enabled and case.is_internal:
        raise Conflict(_("An internal case has no customer to write to."), field="customer_channel")
    if case.customer_channel == enabled:
        return case
    with transaction.atomic():
        case.customer_channel = enabled
        case.save(update_fields=["customer_channel"])
        log_event(case, EventKind.CHANNEL_TOGGLED, member=actor, enabled=enabled)
        publish_case_updated(case, ["customer_channel"])
    return case


def do_set_portal_visible(actor: Member, case: Case, visible: bool) -> Case:
    """WorkCloud: a case must be visible in the portal for the customer to see it there."""
    check_can_manage(actor)
    if visible and case.is_internal:
        raise Conflict(_("An internal case has no customer to show it to."), field="portal_visible")
    if case.portal_visible == visible:
        return case
    with transaction.atomic():
        case.portal_visible = visible
        case.save(update_fields=["portal_visible"])
        log_event(case, EventKind.PORTAL_TOGGLED, member=actor, visible=visible)
        publish_case_updated(case, ["portal_visible"])
        if not visible:
            publish_portal_closed(case)  # open portal pages of the case close
    return case
