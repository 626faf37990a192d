"""Københavns Rengøring ApS: a two-person cleaning company, to show a third language and a
business whose cases are visits rather than repairs.

Denmark keeps no range of mobile numbers for fiction that we know of; ``+45 20 10 01 xx`` are
made up.
"""

# Prose in Nordic languages: there the en dash is the right character, not a look-alike.
# ruff: noqa: RUF001

from __future__ import annotations

from hub.demo.spec import (
    CaseSpec,
    ContactSpec,
    CustomerSpec,
    FromCustomer,
    Note,
    OrganizationSpec,
    SetStatus,
    Staff,
    ToCustomer,
)

CASES = (
    CaseSpec(
        title="Fast ugentlig rengøring af kontoret",
        opened="-8d 09:30",
        by="mette",
        customer="vesterbro",
        member="soren",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hej\n\nVi er flyttet ind i nye lokaler på Vesterbrogade (ca. 280 m²) og søger "
                "fast rengøring to gange om ugen, gerne mandag og torsdag efter kl. 17. Kan I "
                "sende et tilbud?\n\nVenlig hilsen\nLine Kjær\nKontorchef, Vesterbro Arkitekter",
            ),
            ToCustomer(
                "+1h",
                "mette",
                "Hej Line\n\nTak for henvendelsen. Vi kommer gerne forbi og ser lokalerne – "
                "passer det {day+2} kl. 16? Så sender vi et fast tilbud bagefter.\n\n"
                "Venlig hilsen\nMette Jensen",
            ),
            FromCustomer("+2h", "email", "{Day+2} kl. 16 passer fint."),
            Note(
                "+5m",
                "mette",
                "@soren besigtigelse hos Vesterbro Arkitekter {day+2} kl. 16. De har et stort "
                "mødelokale og et køkken – tjek gulvene, så vi ved hvilke maskiner vi skal "
                "bruge.",
            ),
            Note(
                "+2d 17:05",
                "soren",
                "Besigtiget. Mest lakeret trægulv, klinker i køkken og på toiletterne. Ca. 3 "
                "timer pr. gang for én person.",
            ),
            ToCustomer(
                "+1d 10:00",
                "mette",
                "Hej Line! Tilbuddet er sendt på mail: to ugentlige besøg á 3 timer, 2.950 kr. "
                "ekskl. moms pr. uge. Vi kan starte mandag i næste uge.",
            ),
            FromCustomer(
                "+3h",
                "email",
                "Det lyder godt – vi siger ja tak. Nøglebrikken kan hentes i receptionen.",
            ),
        ),
    ),
    CaseSpec(
        title="Flytterengøring – lejlighed på Nørrebro",
        opened="-4d 14:20",
        by="mette",
        customer="holm",
        member="soren",
        priority="high",
        customer_channel=True,
        deadline="+2d 12:00",
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hej! Jeg skal aflevere min lejlighed på Jagtvej (2 vær., 65 m²) {day+2} kl. "
                "12. Kan I nå en flytterengøring inden? Camilla Holm",
            ),
            ToCustomer(
                "+20m",
                "mette",
                "Hej Camilla! Ja, vi kan gøre det {day+1} fra kl. 8. Prisen for 65 m² er "
                "3.400 kr. inkl. moms, med ovn, emhætte og vinduer indvendigt.",
            ),
            FromCustomer("+10m", "sms", "Perfekt, tak! Jeg er der selv og lukker op kl. 8."),
            Note(
                "+5m",
                "mette",
                "@soren flytterengøring Jagtvej 155, 3. th., {day+1} kl. 8. Kunden lukker selv "
                "op. Husk kalkfjerner til badet.",
            ),
            Note(
                "+1d 14:30",
                "soren",
                "Færdig. Alt gjort, ekstra tid på ovnen. Kunden har set det og er glad.",
            ),
            FromCustomer(
                "+1d 12:40",
                "sms",
                "Tusind tak, udlejeren godkendte det hele ved synet i dag!",
            ),
            SetStatus("+10m", "mette", "resolved"),
        ),
    ),
)

KOBENHAVN = OrganizationSpec(
    name="Københavns Rengøring ApS",
    slug="kobenhavns-rengoring",
    locale="da",
    time_zone="Europe/Copenhagen",
    country="DK",
    case_prefix="KR",
    sms_sender_name="KbhRengoer",
    first_case_number=311,
    staff=(
        Staff("mette", "admin", "mette", "+4520100110"),
        Staff("soren", "technician", "soren", "+4520100111"),
    ),
    teams=(),
    customers=(
        CustomerSpec(
            "vesterbro",
            "Vesterbro Arkitekter ApS",
            "Vesterbrogade 112",
            "1620",
            "København V",
            (ContactSpec("Line Kjær", "line.kjaer@example.com", "+4520100101"),),
            is_business=True,
        ),
        CustomerSpec(
            "holm",
            "Camilla Holm",
            "Jagtvej 155",
            "2200",
            "København N",
            (ContactSpec("Camilla Holm", "camilla.holm@example.com", "+4520100102"),),
        ),
    ),
    cases=CASES,
)
