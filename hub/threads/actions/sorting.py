"""The unsorted queue: mail and SMS that matched no case wait there until someone moves the
message onto the right case, or keeps the case as it is."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hub.accounts.models import Member
from hub.errors import Conflict, HubError
from hub.mail.models import MailRecord
from hub.sms.models import SmsRecord
from hub.threads.access import check_can_manage
from hub.threads.actions._common import log_event, publish_case_updated
from hub.threads.models import Case, EventKind, Message, Status


def do_keep_case(actor: Member, case: Case) -> Case:
    """The case the hub opened is a real one: it leaves the unsorted queue."""
    check_can_manage(actor)
    if not case.unsorted:
        return case
    with transaction.atomic():
        case.unsorted = False
        case.save(update_fields=["unsorted"])
        log_event(case, EventKind.SORTED, member=actor, kept=True)
        publish_case_updated(case, ["unsorted"])
    return case


def do_move_message(actor: Member, message: Message, target: Case) -> Message:
    """Move a customer's message (with its files) from an unsorted case onto the case it
    belongs to. The unsorted case is resolved when nothing is left on it."""
    check_can_manage(actor)
    source = message.case
    if target.organization_id != source.organization_id:
        raise HubError(_("That case belongs to another organisation."), field="case_id")
    if not source.unsorted:
        raise Conflict(_("Only messages on an unsorted case can be moved."))
    if target.pk == source.pk:
        raise HubError(_("The message is already on that case."), field="case_id")
    if (
        message.author_contact is not None
        and target.customer_id != message.author_contact.customer_id
    ):
        raise Conflict(
            _("That case is another customer's: open the right customer's case."),
            field="case_id",
        )
    with transaction.atomic():
        message.case = target
        message.save(update_fields=["case"])
        # Everything that names the case through this message moves with it: its files, its
        # deliveries, and the record of the mail or SMS it came as (so that the customer's next
        # reply to it finds the new case).
        message.attachments.update(case=target)
        message.deliveries.update(case=target)
        MailRecord.objects.filter(message=message).update(case=target)
        SmsRecord.objects.filter(message=message).update(case=target)
        log_event(source, EventKind.SORTED, member=actor, moved_to=target.reference)
        log_event(target, EventKind.SORTED, member=actor, moved_from=source.reference)
        if not source.messages.exists():
            source.unsorted = False
            source.status = Status.RESOLVED
            source.save(update_fields=["unsorted", "status"])
        publish_case_updated(source, ["unsorted", "status"])
        publish_case_updated(target, ["messages"])
    return message
