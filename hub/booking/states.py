"""Which booking action may follow which state: the state machine as one table.

The actions check it before they change anything, the payload lists what is allowed now (so a
screen shows only the buttons that work), and the refusal names the action and the state.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.booking.models import State
from hub.errors import Conflict

_NOT_FINAL = frozenset(State) - {State.DONE, State.CANCELLED}

# action → the states it may start from. Customer answers are not here: they are not a
# member's choice, and ``hub.booking.actions.answers`` says what they may do.
ALLOWED: dict[str, frozenset[str]] = {
    "plan": _NOT_FINAL,
    "lock": frozenset({State.PLANNED}),
    "send": frozenset({State.LOCKED}),
    "follow_up": frozenset({State.AWAITING_RESPONSE}),
    "execute": frozenset({State.AWAITING_RESPONSE, State.MANUAL_FOLLOW_UP}),
    "confirm": frozenset(
        {State.PLANNED, State.LOCKED, State.AWAITING_RESPONSE, State.MANUAL_FOLLOW_UP}
    ),
    "hold": _NOT_FINAL - {State.ON_HOLD},
    "resume": frozenset({State.ON_HOLD}),
    "done": frozenset({State.CONFIRMED}),
    "cancel": _NOT_FINAL,
}

LABELS = {
    "plan": gettext_lazy("Plan"),
    "lock": gettext_lazy("Lock"),
    "send": gettext_lazy("Send booking"),
    "follow_up": gettext_lazy("Follow up manually"),
    "execute": gettext_lazy("Send to execution"),
    "confirm": gettext_lazy("Send booking confirmation"),
    "hold": gettext_lazy("Put on hold"),
    "resume": gettext_lazy("Back to planning"),
    "done": gettext_lazy("Done"),
    "cancel": gettext_lazy("Cancel booking"),
}


def allowed_actions(state: str) -> list[str]:
    return [action for action, states in ALLOWED.items() if state in states]


def check_allowed(action: str, state: str) -> None:
    if state not in ALLOWED[action]:
        raise Conflict(
            _("“%(action)s” is not possible: the booking is “%(state)s”.")
            % {"action": LABELS[action], "state": State(state).label.lower()},
            code="booking_state",
        )
