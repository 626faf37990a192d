"""What staff see of a customer's mail: the new words of a reply, all of a forward.

A reply repeats what staff already have, so the quote and the signature are trimmed
(``extract_reply``). A forward carries what the customer wants the firm to read (the tenant's
message, the supplier's offer), so it is kept whole; the subject says which it is, in the
prefixes the clients of the four languages write. The full original is kept either way.
"""

from __future__ import annotations

import re

from hub.gateways.email.trim import extract_reply

# Fwd/Fw (en, Gmail, Apple), VS/Vs (nb, da, sv Outlook: videresendt, vidarebefordrat), WG (de),
# TR (fr), Videresend (nb webmail).
FORWARD_SUBJECT = re.compile(
    r"^\s*(?:(?:re|sv|aw)\s*:\s*)*(?:fwd?|vs|vb|wg|tr|videresend)\s*:", re.I
)


def is_forward(subject: str) -> bool:
    return bool(FORWARD_SUBJECT.match(subject))


def shown_text(subject: str, text: str) -> str:
    """Never empty when ``text`` is not: when trimming would leave nothing, the whole text."""
    if is_forward(subject):
        return text.strip()
    return extract_reply(text).strip() or text.strip()
