"""The staff inbox with 1,000 cases: how long Chromium takes from navigation start to the first
page of the inbox on screen, and how long ``GET /api/cases?limit=50`` takes alone.

    .venv/bin/python bench/inbox_load.py [--cases 1000] [--runs 7] [--api-runs 20] [--debug]

Set-up, in this process: a fresh temporary ``HUB_VAR_DIR`` with its own SQLite database (or the
database of ``DATABASE_URL`` / ``--database-url`` when given, e.g. PostgreSQL's ``hub_bench``:
a new organisation each run), migrated; one organisation with a dispatcher (who logs in), a
second dispatcher, three technicians, 200 customers with a contact each, and ``--cases`` cases
spread over the last 60 days, each with 2-4 messages from the customer (e-mail or SMS) and an
internal note, most assigned, some pending or resolved, half of them read by the dispatcher.
Everything goes through the hub's actions, in time order, and is then dated back to its moment
(as ``hub.demo`` does), so case numbers, ``last_activity``/``last_message``, the event log,
notifications and read markers are what the hub itself would have stored.

Then ``python -m hub.server`` on 127.0.0.1 (``tests.servers.hub_server``; ``DEBUG`` off unless
``--debug``, database connections kept as in production, static files from ``web/static`` as in
development: ``HUB_ENV=production`` would want HTTPS for its cookies) and Debian's Chromium,
headless, through Playwright. Each run is a fresh browser context (no cache, no cookies): log in
through ``POST /api/session`` (not timed), open ``/`` and wait until the page marks the inbox
rendered (``document.documentElement.dataset.ready = "inbox"``, set when the list has drawn its
first page of ``[data-case-id]`` rows inside ``[data-testid=inbox]``). The time is the page's own
``performance.now()`` (from navigation start) at the moment the mark appears, caught by a
MutationObserver installed before the page's scripts run. Printed: each run, the median and
the max; then ``GET /api/cases?limit=50`` alone, ``--api-runs`` times over one keep-alive
connection with the dispatcher's session, median and max. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.accounts.models import Member
    from hub.customers.models import Contact

ROOT = Path(__file__).resolve().parents[1]
USERNAME_PREFIX = "inbox-bench"
PASSWORD = "inbox bench password"  # noqa: S105 (a throwaway database's users)
READY_TIMEOUT_MS = 30_000
DAYS = 60

# Set before the page's own scripts run: the moment the inbox says it is on screen.
# (The document has no <html> element yet when this runs: watch the whole document.)
WATCH_READY = """(() => {
  const mark = () => {
    const html = document.documentElement;
    if (html && html.dataset.ready === "inbox" && window.__inboxReadyAt === undefined) {
      window.__inboxReadyAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, {
    attributes: true, attributeFilter: ["data-ready"], childList: true, subtree: true,
  });
})();"""

JOBS = [
    "Jordfeil i sikringsskapet",
    "Montering av elbillader",
    "Varmekabler på badet slutter å varme",
    "Utelys på terrassen",
    "Bytte av sikringsskap",
    "Downlights i stua",
    "Komfyrvakt som løser ut",
    "Service på varmepumpe",
    "Ny stikkontakt på kjøkkenet",
    "Termostat viser feil temperatur",
    "Jordfeilbryter løser ut om natten",
    "Strømbrudd i andre etasje",
    "Befaring før oppussing av bad",
    "Flytting av lysbryter",
    "Lys i carport",
    "Varmtvannsbereder lekker",
    "Elkontroll etter kjøp av bolig",
    "Solcellepanel: tilbud på montering",
    "Smarthus: styring av varme",
    "Dørklokke virker ikke",
]
STREETS = [
    "Storgata",
    "Kirkeveien",
    "Skogveien",
    "Fjordgata",
    "Bjørkeveien",
    "Solbakken",
    "Løkkeveien",
    "Møllergata",
    "Strandveien",
    "Granåsen",
]
CITIES = ["Oslo", "Bergen", "Trondheim", "Drammen", "Fredrikstad", "Tromsø", "Ålesund", "Bodø"]
FIRST_NAMES = ["Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Håkon", "Astrid", "Per", "Nora", "Emil"]
LAST_NAMES = ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakke"]
FROM_CUSTOMER = [
    "Hei! Vi har et problem som må sees på så snart som mulig. Når kan dere komme?",
    "Takk for svar. Det passer fint på formiddagen, helst etter klokka ti.",
    "Nå har det skjedd igjen, i går kveld rundt sju. Sikringen gikk to ganger.",
    "Koden til porten er 2468, og nøkkelen ligger under matta hvis vi ikke er hjemme.",
    "Kan dere sende et tilbud først? Vi vil gjerne vite omtrent hva det koster.",
    "Hunden er hjemme, men den er snill. Ring på så kommer vi ned.",
    "Jeg sender bilder av sikringsskapet på e-post i kveld.",
    "Fint, da venter vi på dere tirsdag. Ha en fin dag!",
]
NOTES = [
    "Sjekket historikken: samme kunde hadde jordfeil i fjor, se forrige sak.",
    "Trenger bestilling av deler før vi kan dra ut. Leveringstid ca. en uke.",
    "Kunden virker stresset, prioriter gjerne denne.",
    "Tilbud sendt, venter på svar før vi planlegger.",
    "Parkering vanskelig i gata, bruk p-huset rett rundt hjørnet.",
]


@dataclass(frozen=True)
class Step:
    when: datetime
    case: int  # index of the case in the plan
    kind: str  # "open", "customer", "note", "status", "read"
    detail: str = ""


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7, help="page loads, a fresh context each")
    parser.add_argument("--api-runs", type=int, default=20, help="GET /api/cases?limit=50 alone")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="default: $DATABASE_URL, else a fresh SQLite database in a temporary directory",
    )
    parser.add_argument("--debug", action="store_true", help="run the hub with DEBUG on")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the data")
    parser.add_argument("--keep", type=Path, help="keep the var directory (logs, SQLite) here")
    return parser.parse_args()


@contextmanager
def var_directory(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="hub-inbox-bench-") as path:
        yield Path(path)


def setup_django(var_dir: Path, database_url: str) -> None:
    """This process as the hub server will be: the same var directory and database."""
    os.environ.update(DJANGO_SETTINGS_MODULE="hub.settings", HUB_VAR_DIR=str(var_dir), DEBUG="0")
    for name in ("HUB_ENV", "REDIS_URL", "MEDIA_ROOT", "STATIC_ROOT"):
        os.environ.pop(name, None)  # in-memory channel layer here: nobody listens while seeding
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # run as a script: ``bench`` and ``tests`` are imported
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        if database_url.startswith(("postgres://", "postgresql://")):
            from bench.stack import create_database

            create_database(database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def plan(cases: int, rng: random.Random, now: datetime) -> list[Step]:
    """Every case's life as steps at moments in the last DAYS days, all in time order."""
    steps: list[Step] = []
    for index in range(cases):
        opened = now - timedelta(minutes=rng.randrange(30, DAYS * 24 * 60))
        steps.append(Step(opened, index, "open"))
        moment = opened + timedelta(minutes=rng.randrange(1, 20))
        for _ in range(rng.randint(2, 4)):
            steps.append(Step(moment, index, "customer", rng.choice(FROM_CUSTOMER)))
            moment += timedelta(minutes=rng.randrange(20, 2 * 24 * 60))
        steps.append(Step(moment, index, "note", rng.choice(NOTES)))
        moment += timedelta(minutes=rng.randrange(5, 600))
        if rng.random() < 0.5:
            steps.append(Step(moment, index, "read"))
        draw = rng.random()
        if draw < 0.2:
            steps.append(Step(moment + timedelta(minutes=1), index, "status", "resolved"))
        elif draw < 0.3:
            steps.append(Step(moment + timedelta(minutes=1), index, "status", "pending"))
    steps = [step for step in steps if step.when < now]
    steps.sort(key=lambda step: step.when)
    return steps


def backdate(case_id: int, when: datetime, started: datetime) -> None:
    """The rows this step just made (stamped at or after ``started``) get the step's moment.
    Steps run in time order, so ids still grow with time."""
    from hub.notify.models import Notification
    from hub.threads.models import Case, Event, Message, ReadMarker

    Case.objects.filter(pk=case_id, created__gte=started).update(created=when)
    Case.objects.filter(pk=case_id, last_activity__gte=started).update(last_activity=when)
    Message.objects.filter(case_id=case_id, created__gte=started).update(created=when)
    Event.objects.filter(case_id=case_id, created__gte=started).update(created=when)
    Notification.objects.filter(case_id=case_id, created__gte=started).update(created=when)
    ReadMarker.objects.filter(case_id=case_id, updated__gte=started).update(updated=when)


def seed(cases: int, seed_value: int) -> tuple[str, dict[str, int]]:
    """The organisation and its cases; returns the dispatcher's username and the counts."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from hub.accounts.models import Member, Organization, Role, User
    from hub.customers.models import Contact, Customer
    from hub.notify.models import Notification
    from hub.threads.actions.cases import do_change_status, do_create_case
    from hub.threads.actions.messages import (
        do_mark_read,
        do_post_message,
        do_receive_customer_message,
    )
    from hub.threads.models import Case, Event, Message

    rng = random.Random(seed_value)
    started = timezone.now()
    run = started.strftime("%Y%m%d%H%M%S")
    password = make_password(PASSWORD)  # once: hashing is slow on purpose
    organization = Organization.objects.create(
        name="Nordlys Elektro AS",
        slug=f"inbox-bench-{run}",
        locale="nb",
        time_zone="Europe/Oslo",
        country="NO",
    )

    def member(handle: str, name: str, role: str) -> Member:
        user = User.objects.create(username=f"{USERNAME_PREFIX}-{run}-{handle}", password=password)
        return Member.objects.create(
            organization=organization, user=user, role=role, handle=handle, display_name=name
        )

    dispatcher = member("kari", "Kari Nordmann", Role.DISPATCHER)
    colleague = member("per", "Per Olsen", Role.DISPATCHER)
    technicians = [
        member("lars", "Lars Berg", Role.TECHNICIAN),
        member("sigrid", "Sigrid Haugen", Role.TECHNICIAN),
        member("emil", "Emil Bakke", Role.TECHNICIAN),
    ]
    contacts: list[Contact] = []
    for n in range(200):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        customer = Customer.objects.create(
            organization=organization,
            name=name,
            street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            postal_code=f"{rng.randint(1, 9999):04d}",
            city=rng.choice(CITIES),
        )
        contacts.append(
            Contact.objects.create(
                organization=organization,
                customer=customer,
                name=name,
                email=f"kunde{n}@example.no",
                phone=f"+479{rng.randrange(10**7):07d}",
            )
        )

    steps = plan(cases, rng, started)
    case_ids: dict[int, int] = {}
    contact_of: dict[int, Contact] = {}
    with transaction.atomic():
        for step in steps:
            if step.kind == "open":
                contact = contact_of[step.case] = rng.choice(contacts)
                assignee = rng.choice([*technicians, None])
                job = rng.choice(JOBS)
                place = f"{contact.customer.street}, {contact.customer.city}"
                case_ids[step.case] = do_create_case(
                    rng.choice([dispatcher, colleague]),
                    title=f"{job}, {place}",
                    customer=contact.customer,
                    contact=contact,
                    assignee_member=assignee,
                    customer_channel=True,
                ).pk
            else:
                case = Case.objects.select_related("organization").get(pk=case_ids[step.case])
                if step.kind == "customer":
                    channel = rng.choice(["email", "sms"])
                    do_receive_customer_message(
                        case, contact_of[step.case], text=step.detail, channel=channel
                    )
                elif step.kind == "note":
                    do_post_message(colleague, case, audience="internal", text=step.detail)
                elif step.kind == "read" and case.last_message_id is not None:
                    do_mark_read(dispatcher, case, case.last_message_id)
                elif step.kind == "status":
                    do_change_status(colleague, case, step.detail)
            backdate(case_ids[step.case], step.when, started)
    in_org = {"organization": organization}
    counts = {
        "cases": Case.objects.filter(**in_org).count(),
        "messages": Message.objects.filter(**in_org).count(),
        "events": Event.objects.filter(**in_org).count(),
        "notifications": Notification.objects.filter(**in_org).count(),
    }
    return dispatcher.user.username, counts


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise SystemExit("no chromium on PATH: run scripts/services (it installs Debian's package)")
    return path


def log_in(context: Any, username: str) -> None:
    """The JSON door: GET /api/session for the CSRF cookie, then POST the credentials."""
    request = context.request
    request.get("/api/session")
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    answer = request.post(
        "/api/session",
        data={"username": username, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    if answer.status != 201:
        raise SystemExit(f"login failed: {answer.status} {answer.text()}")


def page_loads(base_url: str, username: str, runs: int, log: Path) -> tuple[list[float], int, str]:
    """Milliseconds from navigation start to the inbox rendered, per run; the rows on the first
    page; the dispatcher's session cookie (for the API timing)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import sync_playwright

    from tests.browser import screenshot

    times: list[float] = []
    rows = 0
    cookie = ""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), headless=True, args=["--no-sandbox"]
        )
        try:
            for _ in range(runs):
                context = browser.new_context(
                    base_url=base_url,
                    viewport={"width": 1280, "height": 800},
                    locale="nb-NO",
                    timezone_id="Europe/Oslo",
                )
                try:
                    log_in(context, username)
                    page = context.new_page()
                    page.add_init_script(WATCH_READY)
                    page.goto("/")
                    try:
                        page.wait_for_selector("html[data-ready=inbox]", timeout=READY_TIMEOUT_MS)
                    except PlaywrightTimeoutError:
                        shot = screenshot(page, "inbox_load-timeout")
                        raise SystemExit(
                            f"The page at / did not mark the inbox rendered "
                            f"(html[data-ready=inbox]) within {READY_TIMEOUT_MS / 1000:.0f} s. "
                            "Does the inbox page exist yet, and does it set "
                            'document.documentElement.dataset.ready = "inbox" once the first '
                            f"page of rows is drawn? Screenshot: {shot}. The server's log ends:\n"
                            + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
                        ) from None
                    times.append(float(page.evaluate("window.__inboxReadyAt ?? performance.now()")))
                    rows = page.locator("[data-testid=inbox] [data-case-id]").count()
                    cookie = "; ".join(
                        f"{c['name']}={c['value']}"
                        for c in context.cookies()
                        if c["name"] in ("sessionid", "csrftoken")
                    )
                finally:
                    context.close()
        finally:
            browser.close()
    return times, rows, cookie


def api_times(port: int, cookie: str, runs: int) -> tuple[list[float], int]:
    """Milliseconds per ``GET /api/cases?limit=50`` (one keep-alive connection), and the
    number of cases in the answer."""
    import json

    times: list[float] = []
    results = 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(runs):
            start = time.perf_counter()
            connection.request("GET", "/api/cases?limit=50", headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read()
            times.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                raise SystemExit(f"GET /api/cases answered {response.status}: {body[:300]!r}")
            results = len(json.loads(body)["results"])
    finally:
        connection.close()
    return times, results


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms"


def main() -> None:
    args = parse()
    with var_directory(args.keep) as var_dir:
        setup_django(var_dir, args.database_url)
        from django.db import connection

        from tests.servers import hub_server

        database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
            connection.vendor, connection.vendor
        )
        print(f"seeding {args.cases:,} cases into {database} ({var_dir}) ...", flush=True)
        began = time.monotonic()
        username, counts = seed(args.cases, args.seed)
        connection.close()
        print(
            f"seeded in {time.monotonic() - began:.1f} s: "
            + ", ".join(f"{count:,} {name}" for name, count in counts.items())
        )
        # As in production: the server keeps its database connections.
        env = {"DEBUG": "1" if args.debug else "0", "DATABASE_CONN_MAX_AGE": "60"}
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        with hub_server(var_dir, env, "hub") as server:
            mode = "on" if args.debug else "off"
            print(f"hub: python -m hub.server on {server.http} (DEBUG {mode}), log {server.log}")
            loads, rows, cookie = page_loads(server.http, username, args.runs, server.log)
            print(
                f"inbox rendered (navigation start -> html[data-ready=inbox]), {len(loads)} "
                f"fresh contexts: {summary(loads)}; {rows} rows on the first page"
            )
            print("  runs: " + ", ".join(f"{ms:.0f}" for ms in loads) + " ms")
            api, results = api_times(server.port, cookie, args.api_runs)
            print(f"GET /api/cases?limit=50 alone, {len(api)} requests: {summary(api)}; ", end="")
            print(f"{results} cases in the answer")


if __name__ == "__main__":
    main()
