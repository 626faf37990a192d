"""RFC 3676 ``format=flowed`` text (Thunderbird, Horde, many webmails) joined back into the
lines its writer typed, so a trimmer sees one paragraph where the client wrapped it at 72."""

from __future__ import annotations


def unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676: a line ending in a space continues on the next line of the same quote depth.
    Quoted lines come back as ``"> "`` per level, as the other clients write them."""
    out: list[str] = []
    current: list[str] = []
    current_depth = 0
    flowing = False
    for raw in text.split("\n"):
        stripped = raw.lstrip(">")
        depth = len(raw) - len(stripped)
        content = stripped.removeprefix(" ")  # space-stuffing
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            content = content[:-1]
        if flowing and depth == current_depth:
            current.append(content)
        else:
            if current or flowing:
                out.append(_quoted(current_depth, "".join(current)))
            current, current_depth = [content], depth
        flowing = soft
    out.append(_quoted(current_depth, "".join(current)))
    return "\n".join(out)


def _quoted(depth: int, line: str) -> str:
    return f"{'> ' * depth}{line}".rstrip(" ") if depth else line
