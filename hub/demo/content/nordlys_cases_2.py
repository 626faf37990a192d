"""Nordlys Elektro: inspections, business customers and the on-call desk (second of three)."""

# Prose in Nordic languages: there the en dash is the right character, not a look-alike.
# ruff: noqa: RUF001

from __future__ import annotations

from hub.demo.spec import (
    Assign,
    CaseSpec,
    FromCustomer,
    Note,
    Read,
    SetDeadline,
    SetStatus,
    ToCustomer,
)

CASES_2 = (
    CaseSpec(
        title="El-kontroll før boligsalg – Frognerveien 22",
        opened="-6d 11:30",
        by="silje",
        customer="eide",
        member="nora",
        priority="high",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei, jeg skal selge leiligheten, og takstmannen anbefaler el-kontroll før "
                "tilstandsrapporten. Visning er om ti dager. Har dere kapasitet?",
            ),
            ToCustomer(
                "+20m",
                "silje",
                "Hei Marius! Ja, vi kan gjøre el-kontrollen {day+2} kl. 10. Kontrollen tar ca. "
                "to timer, og du får en rapport du kan legge ved salgsoppgaven. Pris 4 900 kr "
                "inkl. mva.",
            ),
            FromCustomer(
                "+15m",
                "sms",
                "{Day+2} kl 10 er fint. Nøkkelen ligger hos naboen i 2. etasje (Hansen) hvis "
                "jeg ikke rekker hjem.",
            ),
            Note(
                "+3m",
                "silje",
                "@nora el-kontroll Frognerveien 22 {day+2} kl. 10. Nøkkel hos nabo Hansen i "
                "2. etg. Gården er fra 1930-tallet – se spesielt etter stofftrukket ledning og "
                "jording på badet.",
            ),
            Note(
                "+2d 12:45",
                "nora",
                "Kontroll gjort. Avvik: gammel stofftrukket ledning i soverom 2 (TG2) og "
                "manglende jordfeilvern på to kurser (TG2). Ellers greit. Skriver rapporten i "
                "kveld.",
            ),
            ToCustomer(
                "+1d 08:15",
                "silje",
                "Hei Marius! Rapporten fra el-kontrollen er sendt på e-post. Den har to avvik "
                "(TG2): gammel ledning i soverom 2 og manglende jordfeilvern på to kurser. Vi "
                "kan utbedre begge før visningen om du ønsker – ca. 7 500 kr inkl. mva.",
            ),
            FromCustomer("+40m", "sms", "Ja takk, gjør det! Rekker dere det før visningen?"),
            SetDeadline("+10m", "silje", "+4d 16:00"),
        ),
    ),
    CaseSpec(
        title="Utelys og stikkontakt på terrassen",
        opened="-1d 16:55",
        by="ola",
        customer="rahimi",
        priority="low",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei igjen, takk for hjelpen med sikringsskapet! Nå ønsker vi to utelamper og "
                "en stikkontakt på terrassen. Kan dere gi et pristilbud? Mvh Ahmed",
            ),
            ToCustomer(
                "+6m",
                "ola",
                "Hei Ahmed! Så hyggelig. Vi ringer deg {day+1} for å avtale en kort befaring, "
                "så får du fast pris.",
            ),
            FromCustomer(
                "+0d 21:14",
                "sms",
                "Flott! Jeg er hjemme etter kl 16 hele uka. Lampene skal stå på hver side av "
                "terrassedøra.",
            ),
        ),
    ),
    CaseSpec(
        title="Nødlys og ledelys – årlig kontroll",
        opened="-10d 09:00",
        by="silje",
        customer="nydalen",
        team="Elektrikere Oslo",
        portal_visible=True,
        customer_channel=True,
        external_reference="PO-24102",
        deadline="+6d 15:00",
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hei,\n\nDet er tid for årlig kontroll av nødlys og ledelys i Gullhaugveien 9 "
                "(fire etasjer og garasjekjeller). Innkjøpsordre PO-24102 er opprettet. "
                "Kontrollen må være ferdig før brannvesenets tilsyn om tre uker.\n\n"
                "Mvh\nMorten Lie\nDriftssjef, Nydalen Næringseiendom",
            ),
            ToCustomer(
                "+1h",
                "silje",
                "Hei Morten! Takk, vi har registrert PO-24102. Vi setter av to dager til "
                "kontrollen og melder tilbake med dato. Rapporten legges i kundeportalen.",
            ),
            Note(
                "+5m",
                "silje",
                "Nødlyskontroll Nydalen, ca. 140 armaturer. @lars @emil hvem kan ta den "
                "{day+6} {date+6} og {day+7} {date+7}? Sentralbatteriet i kjelleren skal også "
                "testes (én times utladning).",
            ),
            Note("+2h", "lars", "Jeg tar den, sammen med Nora."),
            ToCustomer(
                "+1d 09:15",
                "silje",
                "Hei Morten! Kontrollen gjøres {day+5} {date+5} og {day+6} {date+6}. Vi trenger "
                "tilgang til tavlerom og garasjekjeller fra kl. 07:30 begge dager.",
            ),
            FromCustomer(
                "+2h",
                "email",
                "Det ordner jeg. Meld dere i resepsjonen, så får dere adgangskort.",
            ),
            Read("+15m", "lars"),
            Note(
                "+6d 15:40",
                "lars",
                "Kontrollen er ferdig. 137 av 140 armaturer OK, tre hadde for dårlig batteri og "
                "har fått nytt. Sentralbatteriet holdt i en time. Skriver rapporten {day+1}.",
            ),
            ToCustomer(
                "+1d 10:30",
                "silje",
                "Hei Morten! Kontrollen er ferdig, og rapporten ligger i kundeportalen. Tre "
                "armaturer hadde for dårlig batteri og er byttet – alt annet var i orden.",
            ),
            SetStatus("+2m", "silje", "resolved"),
        ),
    ),
    CaseSpec(
        title="Strømbrudd på avdeling Blåbær",
        opened="-5d 13:25",
        by="ola",
        customer="solsikken",
        team="Service og vakt",
        priority="urgent",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei, vi har mistet strømmen på hele avdeling Blåbær (småbarnsavdelingen). "
                "Sikringene ser ut til å stå på. Det er 12 barn her, og kjøleskapene på kjøkkenet "
                "står også. Ingvild, styrer i Solsikken barnehage",
            ),
            ToCustomer(
                "+3m",
                "ola",
                "Hei Ingvild! Vi sender en elektriker nå, forventet ankomst om ca. 30 minutter. "
                "Sjekk gjerne om hovedbryteren i tavla på avdelingen har slått seg av.",
            ),
            Note(
                "+1m",
                "ola",
                "Akutt: barnehage uten strøm på én avdeling. @nora du er på Vinderen – kan du "
                "dra rett dit?",
            ),
            Assign("+2m", "ola", member="nora"),
            FromCustomer(
                "+9m", "sms", "Hovedbryteren står på. Det lukter litt svidd i tavlerommet."
            ),
            Note(
                "+35m",
                "nora",
                "Overopphetet klemme på tilførselen til underfordelingen, derav lukten. Byttet "
                "klemme og kontrollerte resten av tavla. Strømmen er tilbake. Anbefaler "
                "termografering av hele anlegget.",
            ),
            ToCustomer(
                "+5m",
                "nora",
                "Strømmen er tilbake på Blåbær. Årsaken var en løs og overopphetet kobling i "
                "tavla, som nå er byttet. Vi anbefaler termografering av hele anlegget – "
                "kontoret tar kontakt om det.",
            ),
            SetStatus("+2m", "nora", "resolved"),
            Read("+1d 08:10", "kari"),
        ),
    ),
    CaseSpec(
        title="Komfyrvakt i leilighet H0304",
        opened="-4d 10:05",
        by="silje",
        customer="torshov",
        contact=1,
        member="lars",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei, det er Geir, vaktmester på Torshov Hage. Beboeren i H0304 har fått nytt "
                "kjøkken, men ingen monterte komfyrvakt. Kan dere ta det denne uka? Hun er "
                "hjemme etter kl 15.",
                contact=1,
            ),
            ToCustomer(
                "+25m",
                "silje",
                "Hei Geir! Lars kan montere komfyrvakt {day+2} kl. 15:30. Pris 3 900 kr inkl. "
                "mva. Skal fakturaen til borettslaget eller til beboeren?",
            ),
            FromCustomer(
                "+40m",
                "sms",
                "Beboeren betaler selv. Faktura til Lise Berg, H0304.",
                contact=1,
            ),
            Note(
                "+5m",
                "silje",
                "@lars komfyrvakt i H0304 {day+2} kl. 15:30. Faktura til beboer Lise Berg, ikke "
                "til borettslaget!",
            ),
            Note(
                "+2d 16:40",
                "lars",
                "Komfyrvakt montert og testet. Viste beboeren hvordan den tilbakestilles.",
            ),
            SetStatus("+1m", "lars", "resolved"),
        ),
    ),
    CaseSpec(
        title="Elbillader i carporten",
        opened="-3d 15:30",
        by="ola",
        customer="braten",
        contact=1,
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei, vi har kjøpt elbil og trenger lader i carporten. Kan dere gi pris på en "
                "11 kW lader? Henrik Bråten",
                contact=1,
            ),
            ToCustomer(
                "+1h",
                "ola",
                "Hei Henrik! Hvor mye laderen kan gi, avhenger av inntaket og nettet – på 230 V "
                "IT-nett, som er vanlig i Bærum, blir det ofte 7,4 kW. Lader med montering og "
                "ny kurs koster fra 16 900 kr inkl. mva. Vil du ha befaring og fast pris?",
            ),
            FromCustomer(
                "+30m",
                "sms",
                "Ja, befaring er fint. Jeg har hjemmekontor på fredager.",
                contact=1,
            ),
            Note(
                "+10m",
                "ola",
                "@silje kan du sette opp befaring hos Bråten en fredag? Samme kunde som "
                "samsvarserklæringen – kanskje Nora kan ta begge deler samtidig.",
            ),
            Assign("+1d 08:30", "silje", team="Elektrikere Oslo"),
        ),
    ),
    CaseSpec(
        title="Varmepumpe – egen kurs til utedelen",
        opened="-2d 09:10",
        by="ola",
        customer="haugen",
        member="lars",
        priority="low",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei igjen, Berit Haugen her. Vi har bestilt varmepumpe, og montøren sier vi "
                "trenger egen kurs til utedelen. Kan Lars ta det? Han var så grei sist.",
            ),
            ToCustomer(
                "+20m",
                "ola",
                "Hei Berit! Så hyggelig å høre. Lars tar det gjerne. Vet du hvilken dag "
                "montøren kommer?",
            ),
            FromCustomer("+2h", "sms", "Montøren kommer tirsdag om to uker."),
            Note(
                "+5m",
                "ola",
                "@lars ny 16 A-kurs til utedelen på varmepumpa hos Haugen (samme kunde som "
                "jordfeilen). Må være klar før montøren kommer tirsdag om to uker.",
            ),
            SetDeadline("+1m", "ola", "+8d 15:00"),
        ),
    ),
)
