"""Fjällbacka Rör & Värme AB: a small plumbing and heating firm in Bohuslän, bought by the
Nordlys group, so Nordlys's Kari Lunde is an administrator here too and writes in Norwegian.

Phone numbers are from the range Sweden's PTS keeps for fiction (070-174 06 05 to 99).
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
    Portal,
    SetStatus,
    Staff,
    TeamSpec,
    ToCustomer,
)

CASES = (
    CaseSpec(
        title="Läckande blandare i köket",
        opened="-9d 08:30",
        by="annika",
        customer="olsson",
        member="johan",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hej! Köksblandaren droppar hela tiden och nu läcker det lite under diskbänken "
                "också. Kan ni komma och titta? Mvh Birgitta Olsson, Hamburgsund",
            ),
            ToCustomer(
                "+30m",
                "annika",
                "Hej Birgitta! Johan kan komma {day+1} förmiddag mellan 9 och 11. Stäng gärna "
                "vattnet under diskbänken tills dess om det fortsätter att läcka.",
            ),
            FromCustomer("+15m", "sms", "Tack, det passar bra."),
            Note(
                "+3m",
                "annika",
                "@johan Hamnvägen 8 i Hamburgsund {day+1} kl. 9–11. Blandaren läcker, troligen "
                "kopplingen under diskbänken också. Ta med en ny blandare om den gamla inte går "
                "att laga.",
            ),
            Note(
                "+1d 11:20",
                "johan",
                "Bytt blandare (gammal från 90-talet) och ny packning på avloppet. Ingen "
                "vattenskada i skåpet, bara lite fukt.",
            ),
            ToCustomer(
                "+10m",
                "annika",
                "Hej Birgitta! Nu är blandaren bytt. Fakturan kommer med posten. Hör av dig om "
                "något krånglar!",
            ),
            SetStatus("+1m", "annika", "resolved"),
        ),
    ),
    CaseSpec(
        title="Varmvattenberedaren läcker – byte",
        opened="-4d 07:10",
        by="annika",
        customer="sjoboden",
        member="johan",
        priority="high",
        customer_channel=True,
        external_reference="IO-4471",
        deadline="+5d 12:00",
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hej,\n\nVår varmvattenberedare på 300 liter i pannrummet har börjat läcka i "
                "botten. Vi har fullt med gäster och behöver varmvatten. Vi har lagt "
                "inköpsorder IO-4471 för arbetet.\n\nVänliga hälsningar\nMaria Ek\n"
                "Pensionat Sjöboden",
            ),
            ToCustomer(
                "+40m",
                "annika",
                "Hej Maria! Johan kommer förbi i eftermiddag och tittar. Går den inte att laga "
                "beställer vi en ny – leveranstiden är normalt två till tre dagar.",
            ),
            Note(
                "+5m",
                "annika",
                "@johan Pensionat Sjöboden, läckande beredare 300 l. Kolla om det är tanken "
                "eller bara säkerhetsventilen. @kari ett byte landar runt 30 000 kr – är det ok "
                "att jag godkänner det direkt?",
            ),
            Note("+1h", "kari", "Ja, kjør på. Send pris til kunden før dere bestiller."),
            Note(
                "+0d 16:30",
                "johan",
                "Tanken har rostat igenom i botten, går inte att laga. Ny 300 l beställd, kommer "
                "{day+4}. Stängt av och tömt; den lilla beredaren i köket räcker till "
                "duscharna på nedervåningen tills vidare.",
            ),
            ToCustomer(
                "+15m",
                "annika",
                "Hej Maria! Beredaren går tyvärr inte att laga. En ny kommer {day+4} och "
                "Johan monterar den samma dag. Pris inklusive montering: 28 500 kr inkl. moms.",
            ),
            FromCustomer("+1h", "email", "Tack för snabb hjälp! Vi kör på det."),
        ),
    ),
    CaseSpec(
        title="Golvvärmen i badrummet fungerar inte",
        opened="-7d 13:40",
        by="annika",
        customer="johansson",
        member="johan",
        portal_visible=True,
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hej! Den vattenburna golvvärmen i badrummet har slutat fungera, golvet är "
                "iskallt. Resten av huset är varmt. Huset är byggt 2008.\n\n/Eva Johansson",
            ),
            ToCustomer(
                "+1h",
                "annika",
                "Hej Eva! Det låter som ett ställdon eller termostaten. Johan kan komma "
                "{day+2} och felsöka. Du kan följa ärendet i kundportalen.",
            ),
            Note(
                "+2d 14:10",
                "johan",
                "Ställdonet på badrumsslingan i fördelaren har gått sönder, så kretsen öppnar "
                "aldrig. Nytt ställdon beställt, leverans nästa vecka.",
            ),
            ToCustomer(
                "+20m",
                "annika",
                "Hej Eva! Det är ett ställdon i golvvärmefördelaren som har gått sönder. Ett nytt "
                "är beställt och kommer nästa vecka, då hör vi av oss och bokar en tid.",
            ),
            SetStatus("+1m", "annika", "pending"),
            FromCustomer(
                "+2d 09:12",
                "portal",
                "Tack för beskedet! Vi är bortresta på tisdag men hemma resten av veckan.",
            ),
        ),
    ),
    CaseSpec(
        title="Toaletten rinner i fritidshuset på Valö",
        opened="-1d 10:00",
        by="annika",
        customer="lindqvist",
        priority="low",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hej! Toaletten i vårt fritidshus på Valö rinner hela tiden, grannen hör det "
                "genom väggen. Vi bor i Stockholm och är inte där förrän om en månad. Kan ni "
                "åtgärda det? Nyckeln finns i ett nyckelskåp, koden skickar jag när ni har en "
                "tid.\n\nHälsningar\nPeter Lindqvist",
            ),
            ToCustomer(
                "+45m",
                "annika",
                "Hej Peter! Det är oftast flottören eller spolventilen, och det brukar gå "
                "snabbt. Vi har tid nästa vecka. Vi lägger upp ärendet i kundportalen, så kan "
                "du följa det och skicka koden där.",
            ),
            Portal("+1m", "annika", visible=True),
            FromCustomer(
                "+0d 19:30",
                "portal",
                "Toppen! Koden till nyckelskåpet är 4711. Vilken dag som helst går bra.",
            ),
        ),
    ),
)

FJALLBACKA = OrganizationSpec(
    name="Fjällbacka Rör & Värme AB",
    slug="fjallbacka-ror-varme",
    locale="sv",
    time_zone="Europe/Stockholm",
    country="SE",
    case_prefix="R",
    sms_sender_name="Fjallbacka",
    first_case_number=583,
    staff=(
        Staff("kari", "admin", "kari", "+46701740605"),
        Staff("annika", "dispatcher", "annika", "+46701740606"),
        Staff("johan", "technician", "johan", "+46701740607"),
    ),
    teams=(TeamSpec("Service Tanum", ("johan",)),),
    customers=(
        CustomerSpec(
            "olsson",
            "Birgitta Olsson",
            "Hamnvägen 8",
            "457 45",
            "Hamburgsund",
            (ContactSpec("Birgitta Olsson", "birgitta.olsson@example.com", "+46701740611"),),
        ),
        CustomerSpec(
            "sjoboden",
            "Pensionat Sjöboden AB",
            "Strandvägen 14",
            "457 40",
            "Fjällbacka",
            (ContactSpec("Maria Ek", "maria.ek@example.com", "+46701740612"),),
            is_business=True,
        ),
        CustomerSpec(
            "johansson",
            "Lennart och Eva Johansson",
            "Tanumsvägen 21",
            "457 72",
            "Grebbestad",
            (ContactSpec("Eva Johansson", "eva.johansson@example.com", "+46701740613"),),
        ),
        CustomerSpec(
            "lindqvist",
            "Peter Lindqvist",
            "Valövägen 5",
            "457 40",
            "Fjällbacka",
            (ContactSpec("Peter Lindqvist", "peter.lindqvist@example.com", "+46701740614"),),
        ),
    ),
    cases=CASES,
)
