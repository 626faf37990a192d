"""Placeholder: replaced by the real reply extraction."""


def extract_reply(text: str) -> str:
    return text.strip()
