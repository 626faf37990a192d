"""E-mail: SMTP out, IMAP in, and what turns a customer's mail into a message on the right case."""

from hub.gateways.email.trim import extract_reply

__all__ = ["extract_reply"]
