"""Booking replies: how well ``hub.booking.replies.classify`` reads the labelled customer replies
of ``tests/booking/replies.tsv``, and how fast.

    .venv/bin/python bench/reply_classifier.py [--replies FILE] [--seconds 2] [--misses]

Printed: exact intent accuracy overall, per language and per expected intent; false
confirmations (expected anything but confirm, classified confirm at or above
``CONFIRM_THRESHOLD``: the error that sends a technician to an empty house), each listed; missed
confirmations (expected confirm, not confirmed on its own: a dispatcher clicks); the confusion
matrix (rows expected, columns classified); and the time per classification, the whole set
classified over and over for ``--seconds``. ``--misses`` lists every wrong intent. The
organisation's language passed as the hint is the row's language. No services needed;
nothing here asserts (``tests/booking/test_replies.py`` does).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from hub.booking.replies import CONFIRM_THRESHOLD, Classification, Intent, classify

DEFAULT_REPLIES = Path(__file__).resolve().parents[1] / "tests" / "booking" / "replies.tsv"
HEADER = "language\texpected_intent\ttext"


def load(path: Path) -> list[tuple[str, Intent, str]]:
    """(language, expected intent, text) per row; "#" lines are comments, "\\n" a line break."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line == HEADER:
            continue
        language, intent, text = line.split("\t")
        rows.append((language, Intent(intent), text.replace("\\n", "\n")))
    return rows


def auto_confirms(result: Classification) -> bool:
    return result.intent == Intent.CONFIRM and result.confidence >= CONFIRM_THRESHOLD


def share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.1f} %)" if total else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=Path, default=DEFAULT_REPLIES)
    parser.add_argument("--seconds", type=float, default=2.0, help="timing run length")
    parser.add_argument("--misses", action="store_true", help="list every wrong intent")
    args = parser.parse_args()

    rows = load(args.replies)
    results = [classify(text, language) for language, _, text in rows]
    right = [got.intent == want for (_, want, _), got in zip(rows, results, strict=True)]
    print(f"{len(rows)} replies, CONFIRM_THRESHOLD = {CONFIRM_THRESHOLD}")
    print(f"accuracy: {share(sum(right), len(rows))}")

    for label, key in (("language", 0), ("expected intent", 1)):
        print(f"\nper {label}:")
        groups = sorted({str(row[key]) for row in rows})
        for group in groups:
            marks = [ok for row, ok in zip(rows, right, strict=True) if str(row[key]) == group]
            print(f"  {group:<12} {share(sum(marks), len(marks))}")

    false_confirmations = [
        (row, got)
        for row, got in zip(rows, results, strict=True)
        if row[1] != Intent.CONFIRM and auto_confirms(got)
    ]
    confirms = [
        (row, got) for row, got in zip(rows, results, strict=True) if row[1] == Intent.CONFIRM
    ]
    missed = [(row, got) for row, got in confirms if not auto_confirms(got)]
    print(f"\nfalse confirmations: {len(false_confirmations)}")
    for (language, want, text), got in false_confirmations:
        print(f"  [{language}] expected {want}, got {got.confidence:.2f}: {text!r}")
    print(f"missed confirmations: {share(len(missed), len(confirms))} of expected confirms")
    if args.misses:
        for (language, _, text), got in missed:
            print(f"  [{language}] {got.intent} {got.confidence:.2f}: {text!r}")

    intents = list(Intent)
    matrix = Counter((want, got.intent) for (_, want, _), got in zip(rows, results, strict=True))
    width = max(len(intent) for intent in intents) + 2
    print("\nconfusion (rows expected, columns classified):")
    print(" " * width + "".join(f"{intent:>{width}}" for intent in intents))
    for want in intents:
        cells = "".join(f"{matrix[want, got]:>{width}}" for got in intents)
        print(f"{want:<{width}}{cells}")

    if args.misses:
        print("\nwrong intents:")
        for (language, want, text), got in zip(rows, results, strict=True):
            if got.intent != want:
                print(f"  [{language}] {want} -> {got.intent} {got.confidence:.2f}: {text!r}")

    done = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < args.seconds:
        for language, _, text in rows:
            classify(text, language)
        done += len(rows)
    print(f"\ntime: {1e6 * elapsed / done:.1f} µs per classification ({done:,} in {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
