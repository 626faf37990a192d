"""Who may see and do what with a case. ``access_*`` fetch and enforce; ``can_*`` only answer.

Every query starts from the member's organisation, so a row of another organisation is never
found, and a member learns nothing about it: it is "not found", not "forbidden".
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from hub.accounts.models import Member, Team
from hub.errors import Forbidden, HubError, NotFound
from hub.threads.models import Attachment, Case, Mention


def visible_cases(member: Member) -> QuerySet[Case]:
    """Admins and dispatchers see every case of their organisation; a technician sees the cases
    assigned to them or to one of their teams, those they were mentioned in, and those whose
    visit they are booked for (the booking is read by its reverse relation's name: booking
    builds on threads). A visit on my day is a case I must be able to open."""
    cases = Case.objects.filter(organization_id=member.organization_id)
    if member.sees_every_case:
        return cases
    my_teams = Team.objects.filter(members=member).values("pk")
    mentioned = Mention.objects.filter(case=OuterRef("pk"), member=member)
    return cases.filter(
        Q(assignee_member=member)
        | Q(assignee_team__in=my_teams)
        | Exists(mentioned)
        | Q(booking__technician=member)
    )


def access_case(member: Member, case_id: int, *, for_update: bool = False) -> Case:
    cases = visible_cases(member).select_related(
        "organization", "customer", "contact", "assignee_member", "assignee_team"
    )
    if for_update:
        # Lock only the case row: the joined rows are read, not changed.
        cases = cases.select_for_update(of=("self",))
    case = cases.filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such case."))
    return case


def access_attachment(member: Member, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id,
            organization_id=member.organization_id,
            case__in=visible_cases(member).values("pk"),
        )
        .select_related("case")
        .first()
    )
    if attachment is None:
        raise NotFound(_("No such file."))
    return attachment


def access_attachable(
    member: Member, case: Case, ids: list[int], client_id: str | None
) -> list[Attachment]:
    """The member's uploads on the case that may go with a message they post: still free, or
    already sent with this very ``client_id`` (a resend, which the action answers with the
    stored message). Every door that posts asks this."""
    wanted = list(dict.fromkeys(ids))
    files = list(
        Attachment.objects.filter(pk__in=wanted, case=case, uploaded_by_member=member).filter(
            Q(message=None) | Q(message__client_id=client_id, message__author_member=member)
        )
    )
    if len(files) != len(wanted):
        raise HubError(_("One of the files cannot be attached here."), field="attachments")
    return files


def access_case_files(case: Case, ids: list[int]) -> list[Attachment]:
    """Files already on the case that a mail may carry along (the customer folder)."""
    wanted = list(dict.fromkeys(ids))
    files = list(Attachment.objects.filter(pk__in=wanted, case=case))
    if len(files) != len(wanted):
        raise HubError(_("One of the files is not on this case."), field="files")
    return files


def access_team(member: Member, team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id, organization_id=member.organization_id).first()
    if team is None:
        raise NotFound(_("No such team."), field="team")
    return team


def access_colleague(member: Member, member_id: int) -> Member:
    colleague = Member.objects.filter(
        pk=member_id, organization_id=member.organization_id, is_active=True
    ).first()
    if colleague is None:
        raise NotFound(_("No such member."), field="member")
    return colleague


def can_manage_case(member: Member) -> bool:
    """Assign to others, switch customer communication and portal visibility, set priority and
    deadline: the dispatch desk's work, not a technician's."""
    return member.sees_every_case


def check_can_manage(member: Member) -> None:
    if not can_manage_case(member):
        raise Forbidden(_("Only administrators and dispatchers may do that."))
