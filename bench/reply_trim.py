"""Reply trimming: how many of the reply-trimmer corpus's 64 mails ``extract_reply`` trims exactly
as a reader should see them, and how fast it goes.

    .venv/bin/python bench/reply_trim.py [--corpus DIR] [--seconds 2] [--megabytes 10]

The corpus is discourse/email_reply_trimmer's (MIT), kept at
``tests/corpora/email-reply-trimmer``: ``emails/NAME`` a mail body, ``trimmed/NAME`` the
text a reader should see. Both sides are compared after one normalisation: line endings as
"\\n", trailing whitespace off every line, blank lines around the text off (as in
``tests/gateways/email/test_trim_corpus.py``). Throughput is the whole corpus trimmed over and
over for ``--seconds``, in mails/s; then one synthetic mail of ``--megabytes`` (the corpus
repeated, mixed with long quote runs) timed once, the size a hostile sender might try. No
services needed; nothing here asserts.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from hub.gateways.email import extract_reply

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpora" / "email-reply-trimmer"


def normalise(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def load(corpus: Path) -> list[tuple[str, str, str]]:
    """(name, mail, expected) for every mail; bytes decoded so CRLF stays CRLF."""
    return [
        (
            path.name,
            path.read_bytes().decode("utf-8"),
            (corpus / "trimmed" / path.name).read_bytes().decode("utf-8"),
        )
        for path in sorted((corpus / "emails").iterdir())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seconds", type=float, default=2.0, help="throughput run length")
    parser.add_argument("--megabytes", type=float, default=10.0, help="size of the big mail")
    args = parser.parse_args()
    if not (args.corpus / "emails").is_dir():
        raise SystemExit(f"no corpus at {args.corpus}")

    mails = load(args.corpus)
    misses = [n for n, mail, want in mails if normalise(extract_reply(mail)) != normalise(want)]
    hits = len(mails) - len(misses)
    print(f"extract_reply: {hits}/{len(mails)} exact ({100 * hits / len(mails):.1f} %)")
    if misses:
        print("  misses:", ", ".join(misses))

    done = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < args.seconds:
        for _, mail, _ in mails:
            extract_reply(mail)
        done += len(mails)
    size = sum(len(mail) for _, mail, _ in mails)
    print(
        f"throughput: {done / elapsed:,.0f} mails/s "
        f"({done * size / len(mails) / elapsed / 1e6:.1f} MB/s of corpus text)"
    )

    unit = "\n".join(mail for _, mail, _ in mails) + ">\n" * 2_000
    big = (unit * (int(args.megabytes * 1e6) // len(unit) + 1))[: int(args.megabytes * 1e6)]
    started = time.perf_counter()
    extract_reply(big)
    print(f"one {len(big) / 1e6:.0f} MB mail: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
