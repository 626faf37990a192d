"""Nordlys Elektro: fault calls and the jobs that come out of them (first of three)."""

# Prose in Nordic languages: there the en dash is the right character, not a look-alike.
# ruff: noqa: RUF001

from __future__ import annotations

from hub.demo.spec import (
    Assign,
    CaseSpec,
    FromCustomer,
    Note,
    Portal,
    Read,
    SetDeadline,
    SetPriority,
    SetStatus,
    TakeOver,
    ToCustomer,
)

CASES_1 = (
    CaseSpec(
        title="Jordfeilbryteren løser ut",
        opened="-9d 07:31",
        by="ola",
        customer="haugen",
        priority="high",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei! Jordfeilbryteren i sikringsskapet løser ut flere ganger om dagen, sist nå "
                "i morges da vi satte på vaskemaskinen. Kan dere komme og se på det? "
                "Mvh Berit Haugen",
            ),
            ToCustomer(
                "+14m",
                "ola",
                "Hei Berit, takk for beskjeden! Vi kan sende en elektriker {day+1} mellom kl. 08 "
                "og 10. Passer det? Til da kan du prøve å trekke ut vaskemaskinen og se om "
                "bryteren fortsatt løser ut.",
            ),
            FromCustomer(
                "+1h10m",
                "sms",
                "Det passer fint. Den løste ut igjen nå, selv om vaskemaskinen er trukket ut. "
                "Fryseren i kjelleren står visst på samme kurs.",
            ),
            Assign("+5m", "ola", member="lars"),
            Note(
                "+3m",
                "ola",
                "@lars jordfeil på kurs 6 (kjeller/vaskerom). Kunden har trukket ut "
                "vaskemaskinen uten at det hjelper – sjekk fryseren og stikkontaktene i "
                "kjelleren først. Hun er hjemme fra kl. 08.",
            ),
            Note(
                "+1d 09:40",
                "lars",
                "Fant fuktskadet stikkontakt bak fryseren i kjelleren. Byttet kontakt og boks, "
                "isolasjonsmålte kursen: over 200 MΩ. Jordfeilbryteren testet OK. Kunden bør "
                "holde øye med fukten langs grunnmuren.",
            ),
            ToCustomer(
                "+1h",
                "ola",
                "Hei igjen! Lars har byttet en fuktskadet stikkontakt bak fryseren, og kursen "
                "måler fint nå. Faktura kommer på e-post i løpet av uka. Ta kontakt om bryteren "
                "løser ut igjen.",
            ),
            FromCustomer("+25m", "sms", "Tusen takk for rask hjelp!"),
            SetStatus("+5m", "ola", "resolved"),
            Read("+2h", "kari"),
        ),
    ),
    CaseSpec(
        title="Elbilladere i fellesgarasjen – befaring og tilbud",
        opened="-9d 10:15",
        by="silje",
        customer="torshov",
        team="Elektrikere Oslo",
        portal_visible=True,
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hei,\n\nStyret i Torshov Hage Borettslag ønsker tilbud på ladepunkter i "
                "fellesgarasjen. Det er 42 plasser, og vi ser for oss at alle skal kunne få "
                "lader etter hvert, men 10–12 beboere vil ha det med en gang.\n\nKan dere komme "
                "på befaring? Vaktmester Geir Olsen kan låse opp garasjen.\n\n"
                "Med vennlig hilsen\nPer Kristian Moe\nStyreleder",
            ),
            ToCustomer(
                "+1h20m",
                "silje",
                "Hei Per Kristian,\n\ntakk for henvendelsen! Vi foreslår befaring {day+2} kl. "
                "13. Vi ser da på inntaket, hovedtavla og kabelføringen i garasjen, og sender "
                "tilbud med lastbalansering og mulighet for utvidelse til alle 42 plassene.\n\n"
                "Hilsen Silje Moen\nNordlys Elektro AS",
            ),
            FromCustomer("+2h", "email", "{Day+2} kl. 13 passer bra. Geir møter dere ved porten."),
            Note(
                "+10m",
                "silje",
                "@lars @nora befaring {day+2} kl. 13 i Vogts gate 48. Ta med instrument for å "
                "måle inntaket – styret sier 400 V TN og 250 A hovedsikring. Geir (vaktmester) "
                "har nøkkel.",
            ),
            Note(
                "+2d 14:35",
                "nora",
                "Befaring gjort. Inntaket har kapasitet til 12 ladere med lastbalansering uten å "
                "øke hovedsikringen. Kabelbro langs taket går fint, men betongveggen mot bod 3 "
                "må kjernebores. Skriver utkast til tilbud i morgen.",
            ),
            ToCustomer(
                "+1d 15:10",
                "silje",
                "Hei! Tilbudet er sendt på e-post til styret. Det gjelder 12 ladepunkter med "
                "lastbalansering og forberedt kabelføring for resten av plassene. Tilbudet er "
                "gyldig i 30 dager.",
            ),
            SetStatus("+2m", "silje", "pending"),
            Read("+20m", "lars"),
            FromCustomer(
                "+2d 19:48",
                "email",
                "Takk! Vi tar det opp på styremøtet {day+2} og gir beskjed etter det.",
            ),
        ),
    ),
    CaseSpec(
        title="Nytt sikringsskap – gamle skrusikringer",
        opened="-8d 08:05",
        by="ola",
        customer="sandvik",
        member="emil",
        portal_visible=True,
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hei. Vi har fortsatt gamle skrusikringer i sikringsskapet (huset er fra 1962), "
                "og forsikringsselskapet anbefaler å bytte. Hva koster det å bytte til nytt "
                "skap med automatsikringer og jordfeilbryter?\n\nHilsen Jon Erik Sandvik",
            ),
            ToCustomer(
                "+50m",
                "ola",
                "Hei Jon Erik! Nytt sikringsskap med automatsikringer og jordfeilvern i en "
                "enebolig koster vanligvis 18 000–28 000 kr inkl. mva., avhengig av antall "
                "kurser og hvor mye som må gjøres med inntaket. Vi sender Emil på en gratis "
                "befaring først, så får du fast pris. Passer det {day+2} ettermiddag?",
            ),
            FromCustomer("+3h", "email", "{Day+2} etter kl. 15 går fint."),
            Note(
                "+5m",
                "ola",
                "@emil befaring {day+2} etter kl. 15 hos Sandvik, Sørkedalsveien 210. Gamle "
                "skrusikringer, hus fra 1962 – sjekk nettsystem og hvor mye av anlegget som må "
                "utbedres.",
            ),
            Note(
                "+2d 16:20",
                "emil",
                "Befaring gjort. IT-nett, 12 kurser, to av dem uten jord. Foreslår nytt skap "
                "med 14 kurser og jordfeilbrytere på alle. Ca. én dags jobb.",
            ),
            ToCustomer(
                "+40m",
                "ola",
                "Hei! Fast pris for nytt sikringsskap med 14 kurser og jordfeilvern er 24 600 kr "
                "inkl. mva. Emil kan gjøre jobben {day+10} {date+10}. Strømmen blir borte "
                "mellom ca. kl. 08 og 14 den dagen. Du kan godkjenne i kundeportalen.",
            ),
            FromCustomer(
                "+1d 07:58",
                "portal",
                "Godkjent! Vi tømmer fryseren eller kjøler den godt ned til da.",
            ),
            Read("+1h", "emil"),
        ),
        deadline="+12d 15:00",
    ),
    CaseSpec(
        title="Varmekabler på nytt bad",
        opened="-8d 12:40",
        by="silje",
        customer="strand",
        member="nora",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "Hei, vi pusser opp badet og trenger varmekabler i gulvet (ca 6 kvm). "
                "Flisleggeren kommer om to uker. Rekker dere det før?",
            ),
            ToCustomer(
                "+35m",
                "silje",
                "Hei Amalie! Det rekker vi. Nora kan legge varmekablene {day+3}, så får "
                "membranen tid til å tørke før flisleggeren kommer. Termostaten monteres når "
                "flisene er på plass.",
            ),
            FromCustomer("+20m", "sms", "Supert, {day+3} passer!"),
            Note(
                "+5m",
                "silje",
                "@nora varmekabler 6 m² bad hos Strand {day+3}. Hun ønsker termostat med "
                "gulvføler. Husk bilder av kabelleggingen før flislegging – det trengs til "
                "samsvarserklæringen.",
            ),
            Note(
                "+3d 13:15",
                "nora",
                "Kabel lagt (100 W/m²) og målt før og etter avretting: OK. Bilder og "
                "måleverdier notert. Kommer tilbake og monterer termostat etter flislegging.",
            ),
            ToCustomer(
                "+30m",
                "silje",
                "Hei! Varmekablene er lagt og testet. Gi beskjed når flisene er på plass, så "
                "avtaler vi montering av termostaten.",
            ),
            SetStatus("+1m", "silje", "pending"),
            FromCustomer(
                "+4d 18:22",
                "sms",
                "Flisleggeren kom tidligere enn planlagt, og nå er flisene på! Kan Nora "
                "komme og montere termostaten snart?",
            ),
        ),
    ),
    CaseSpec(
        title="Sikringene går på bakeriet – ovnene står",
        opened="-7d 05:48",
        by="ola",
        customer="bakeri",
        team="Service og vakt",
        priority="urgent",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "sms",
                "HASTER! Sikringene går hele tiden på bakeriet, steikeovnene står og vi skal "
                "levere til tre kafeer før kl 8. Torunn, Bakeriet på Løkka",
            ),
            ToCustomer(
                "+4m",
                "ola",
                "Hei Torunn, vi har fått meldingen. Vakthavende elektriker er på vei og er hos "
                "dere innen 45 minutter.",
            ),
            Note(
                "+1m",
                "ola",
                "Vakt: 3-fase-sikringen til ovnene løser ut. @emil @nora hvem er nærmest? "
                "Bakeriet på Løkka, Thorvald Meyers gate 61.",
            ),
            TakeOver("+3m", "emil"),
            Note(
                "+50m",
                "emil",
                "Varmeelement i ovn 2 har jordslutning. Koblet ut ovn 2, ovn 1 og 3 går som "
                "normalt og bakeriet får levert. Nytt element må bestilles fra ovnsleverandøren.",
            ),
            ToCustomer(
                "+8m",
                "emil",
                "Hei Torunn! Ovn 1 og 3 går igjen. Ovn 2 har et defekt varmeelement og er koblet "
                "ut til vi får nytt. Vi gir beskjed når delen er kommet.",
            ),
            FromCustomer("+6m", "sms", "Tusen hjertelig takk, dere reddet morgenen!"),
            SetPriority("+1h", "ola", "high"),
            SetStatus("+1m", "ola", "pending"),
            Note(
                "+3d 10:05",
                "silje",
                "Varmeelementet til ovn 2 er kommet. @emil kan du montere det {day+1} kl. 14, "
                "når de er ferdige med bakingen for dagen?",
            ),
            ToCustomer(
                "+1d 15:10",
                "emil",
                "Hei Torunn, ovn 2 har fått nytt element, er isolasjonsmålt og testkjørt. Alle "
                "tre ovnene er i drift. Ha en fin ettermiddag!",
            ),
            SetStatus("+1m", "emil", "resolved"),
        ),
    ),
    CaseSpec(
        title="Blinkende lysarmaturer i behandlingsrom 2",
        opened="-7d 09:20",
        by="silje",
        customer="tannklinikk",
        member="lars",
        customer_channel=True,
        external_reference="PO-23817",
        deadline="+9d 12:00",
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hei,\n\nTo av LED-armaturene i taket på behandlingsrom 2 blinker og har begynt "
                "å surre. Det er sjenerende for pasientene. Vi har innkjøpsordre PO-23817 for "
                "elektrikerarbeid i år, bruk gjerne den.\n\nVennlig hilsen\nHanne Vik\n"
                "Klinikkleder, Majorstuen Tannklinikk",
            ),
            ToCustomer(
                "+45m",
                "silje",
                "Hei Hanne, takk! Vi noterer PO-23817. Lars kan komme {day+3} kl. 07:30, før "
                "første pasient. Passer det?",
            ),
            FromCustomer("+1h", "email", "{Day+3} kl. 07:30 er perfekt. Resepsjonen åpner døra."),
            Note(
                "+4m",
                "silje",
                "@lars Majorstuen Tannklinikk {day+3} kl. 07:30, behandlingsrom 2. To "
                "LED-armaturer blinker – sannsynligvis driverne. Ta med et par reservedrivere.",
            ),
            Note(
                "+3d 08:40",
                "lars",
                "Byttet driver i begge armaturene, blinkingen er borte. Den ene armaturen har "
                "misfarget og sprukket deksel og bør byttes helt.",
            ),
            ToCustomer(
                "+30m",
                "silje",
                "Hei Hanne! Lars har byttet driverne, og lyset skal nå være stabilt. Den ene "
                "armaturen har et sprukket deksel som bør byttes. Vi sender pris på det.",
            ),
        ),
    ),
    CaseSpec(
        title="Samsvarserklæring for nytt kjøkken",
        opened="-6d 14:10",
        by="ola",
        customer="braten",
        customer_channel=True,
        steps=(
            FromCustomer(
                "+0m",
                "email",
                "Hei! Dere la nye kurser til kjøkkenet vårt for et halvt år siden (induksjonstopp "
                "og stikkontakter over benken). Forsikringsselskapet ber om samsvarserklæring "
                "nå som vi melder inn oppussingen. Kan dere sende den?\n\nHilsen Sofie Bråten",
            ),
            Note(
                "+25m",
                "ola",
                "@kari har vi samsvarserklæringen for Bråten, Gamle Ringeriksvei 45, i arkivet? "
                "Jobben ble gjort før vi tok i bruk huben.",
            ),
            Note(
                "+1h",
                "kari",
                "Fant den ikke. @nora du var på jobben – har du måleprotokollen? Da kan vi sette "
                "opp erklæringen på nytt.",
            ),
            Note(
                "+1d 08:20",
                "nora",
                "Har protokollen i mappa i bilen. Leverer den på kontoret i dag.",
            ),
            Assign("+10m", "ola", member="nora"),
            Portal("+1m", "ola", visible=True),
            ToCustomer(
                "+2m",
                "ola",
                "Hei Sofie! Vi setter opp samsvarserklæringen på nytt med måleverdiene fra "
                "jobben og legger den ut i kundeportalen i løpet av uka.",
            ),
            SetStatus("+1m", "ola", "pending"),
            FromCustomer(
                "+1d 20:12",
                "portal",
                "Takk! Forsikringen trenger den innen {day+2}. Hilsen Henrik",
                contact=1,
            ),
            SetDeadline("+1d 08:05", "ola", "+1d 12:00"),
        ),
    ),
)
