"""Nordlys Elektro: internal work, an evening call-out and small jobs (third of three)."""

# Prose in Nordic languages: there the en dash is the right character, not a look-alike.
# ruff: noqa: RUF001

from __future__ import annotations

from hub.demo.spec import (
    Assign,
    CaseSpec,
    CustomerChannel,
    FromCustomer,
    Note,
    Read,
    SetStatus,
    ToCustomer,
)

CASES_3 = (
    CaseSpec(
        title="Bestille materiell til uke {week+5}",
        opened="-5d 08:15",
        by="silje",
        member="silje",
        steps=(
            Note(
                "+0m",
                "silje",
                "Samler bestillingen til grossisten her, frist {day+2} kl. 12. Skriv hva dere "
                "trenger, med antall. @lars @emil @nora",
            ),
            Note(
                "+40m",
                "lars",
                "3 stk. 40 A jordfeilautomater, 1 trommel PFXP 3G2,5 (100 m) og koblingsbokser "
                "til Nydalen-jobben.",
            ),
            Note(
                "+2h",
                "emil",
                "Sikringsskap med 14 kurser til Sandvik (Sørkedalsveien) og 2 stk. "
                "overspenningsvern.",
            ),
            Note(
                "+1d 07:50",
                "nora",
                "3 komfyrvakter, termostat med gulvføler til Strand og en rull varmekabel "
                "100 W/m² på lager.",
            ),
            Note(
                "+1h",
                "silje",
                "Takk! Bestillingen er sendt, levering {day+2} morgen. @ola kan du ta imot varene "
                "om jeg er på kurs?",
            ),
            Note("+20m", "ola", "Ja, jeg er her fra kl. 7."),
            SetStatus("+2d 11:00", "silje", "resolved"),
            Read("+5m", "lars"),
        ),
    ),
    CaseSpec(
        title="Helgevakter neste måned",
        opened="-2d 14:00",
        by="kari",
        team="Service og vakt",
        steps=(
            Note(
                "+0m",
                "kari",
                "Vi må ha helgevaktene for neste måned klare før månedsskiftet. Hvem ønsker "
                "hvilke helger? @emil @nora @ola",
            ),
            Note(
                "+1h",
                "emil",
                "Jeg tar gjerne de to første helgene, men trenger fri den siste – vi skal i "
                "bryllup.",
            ),
            Note(
                "+1d 08:05",
                "nora",
                "Jeg tar den tredje og den siste helgen. Kan bytte med Emil om det trengs.",
            ),
            Note("+30m", "ola", "Flott. Jeg setter opp et utkast og legger det her {day+1}."),
        ),
    ),
    CaseSpec(
        title="Dimmer i stua surrer og LED-spotter flimrer",
        opened="-1d 08:45",
        by="silje",
        customer="wold",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei! Etter at vi byttet til LED-spotter i stua surrer dimmeren, og lyset "
                "flimrer når det er skrudd ned. Er det farlig?",
            ),
            ToCustomer(
                "+25m",
                "silje",
                "Hei Kristin! Det er ikke farlig, men det tyder på at dimmeren ikke passer til "
                "LED-pærene. En elektriker kan bytte til en LED-dimmer – det tar under en time. "
                "Vil du at vi kommer?",
            ),
            FromCustomer("+10m", "sms", "Ja takk! Helst en morgen før kl 9."),
            Assign("+5m", "silje", team="Elektrikere Oslo"),
            Note(
                "+1m",
                "silje",
                "Enkel jobb: LED-dimmer i stua hos Wold, Bygdøy allé 58. Ønsker en morgen før "
                "kl. 9. Den som har et hull i kalenderen denne uka, ta saken.",
            ),
        ),
    ),
    CaseSpec(
        title="Brent lukt fra sikringsskapet",
        opened="-3d 18:42",
        by="ola",
        customer="rahimi",
        priority="urgent",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei, det lukter brent fra sikringsskapet i gangen og en av sikringene er "
                "veldig varm. Hva skal jeg gjøre??",
            ),
            ToCustomer(
                "+3m",
                "ola",
                "Hei Ahmed! Slå av hovedbryteren i skapet hvis du kan gjøre det trygt, og ikke "
                "slå den på igjen. Vakthavende elektriker er hos deg innen en time. Ring 110 "
                "hvis du ser røyk eller flammer.",
            ),
            Note(
                "+2m",
                "ola",
                "Vakt: brent lukt fra sikringsskap, Trondheimsveien 290. @emil du har vakta i "
                "kveld.",
            ),
            Assign("+1m", "ola", member="emil"),
            FromCustomer("+4m", "sms", "Hovedbryteren er av. Vi venter."),
            Note(
                "+55m",
                "emil",
                "Løs tilkobling på kurs 4 (kjøkken) hadde smeltet isolasjonen ved "
                "automatsikringen. Byttet sikring og klemme, etterstrammet alle kurser. "
                "Anlegget er fra 1980 – anbefaler en full gjennomgang.",
            ),
            ToCustomer(
                "+5m",
                "emil",
                "Hei Ahmed, strømmen er tilbake. En løs kobling hadde gjort sikringen til "
                "kjøkkenet varm. Den er byttet, og alt er strammet til. Godt at du tok kontakt "
                "med en gang!",
            ),
            SetStatus("+1m", "emil", "resolved"),
        ),
    ),
    CaseSpec(
        title="LED-belysning i kantina",
        opened="-10d 13:00",
        by="silje",
        customer="nydalen",
        member="lars",
        portal_visible=True,
        customer_channel=True,
        external_reference="PO-23950",
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hei,\n\nVi har godkjent tilbudet deres på LED i kantina (tilbud 2291). "
                "Innkjøpsordre er PO-23950. Arbeidet må gjøres etter kl. 15, når kantina er "
                "stengt.\n\nMvh\nMorten Lie",
            ),
            ToCustomer(
                "+30m",
                "silje",
                "Hei Morten, takk for ordren! Lars starter {day+1} kl. 15 og regner med to "
                "ettermiddager.",
            ),
            Note(
                "+2m",
                "silje",
                "@lars kantina i Nydalen, 24 armaturer, etter kl. 15. Lever de gamle armaturene "
                "til gjenvinning – miljøgebyret er med i tilbudet.",
            ),
            Note(
                "+2d 18:30",
                "lars",
                "Ferdig. 24 armaturer byttet og testet. De gamle er levert til gjenvinning.",
            ),
            ToCustomer(
                "+1d 08:20",
                "silje",
                "Hei Morten! Jobben i kantina er ferdig. Faktura sendes med referanse PO-23950.",
            ),
            FromCustomer("+3h", "email", "Flott, det ble mye lysere! Takk for godt arbeid."),
            SetStatus("+5m", "silje", "resolved"),
            Read("+1d 09:00", "kari"),
        ),
    ),
    CaseSpec(
        title="Ekstra stikkontakter i resepsjonen – pristilbud",
        opened="-2d 10:30",
        by="lars",
        customer="tannklinikk",
        steps=(
            Note(
                "+0m",
                "lars",
                "Klinikklederen spurte om fire nye doble stikkontakter i resepsjonen mens jeg "
                "var der. Anslag fire timer pluss materiell. @silje kan du sende tilbud?",
            ),
            CustomerChannel("+40m", "silje", enabled=True),
            ToCustomer(
                "+5m",
                "silje",
                "Hei Hanne! Lars nevnte at dere ønsker fire nye doble stikkontakter i "
                "resepsjonen. Pris 6 400 kr inkl. mva. og materiell. Vi kan gjøre det samtidig "
                "som vi bytter armaturen på behandlingsrom 2.",
            ),
            FromCustomer(
                "+2h",
                "email",
                "Det høres bra ut, vi tar begge deler. Kan dere bruke PO-23817 på denne også?",
            ),
        ),
    ),
)
