"""Nordlys Elektro AS: an electrician in Oslo with a dispatch desk, three electricians and a
customer register of households, a housing co-operative and small businesses.

Phone numbers are made up (``+47 400 00 1xx`` customers, ``+47 900 00 1xx`` staff) and every
e-mail address is on example.no or example.com.
"""

from __future__ import annotations

from hub.demo.content.nordlys_cases_1 import CASES_1
from hub.demo.content.nordlys_cases_2 import CASES_2
from hub.demo.content.nordlys_cases_3 import CASES_3
from hub.demo.spec import ContactSpec, CustomerSpec, OrganizationSpec, Staff, TeamSpec

STAFF = (
    Staff("kari", "admin", "kari", "+4790000101"),
    Staff("ola", "dispatcher", "ola", "+4790000102"),
    Staff("silje", "dispatcher", "silje", "+4790000103"),
    Staff("lars", "technician", "lars", "+4790000104"),
    Staff("emil", "technician", "emil", "+4790000105"),
    Staff("nora", "technician", "nora", "+4790000106"),
)

TEAMS = (
    TeamSpec("Elektrikere Oslo", ("lars", "emil", "nora")),
    TeamSpec("Service og vakt", ("emil", "nora", "ola")),
)

CUSTOMERS = (
    CustomerSpec(
        "haugen",
        "Berit Haugen",
        "Ekebergveien 112",
        "1178",
        "Oslo",
        (ContactSpec("Berit Haugen", "berit.haugen@example.no", "+4740000111"),),
    ),
    CustomerSpec(
        "torshov",
        "Torshov Hage Borettslag",
        "Vogts gate 48",
        "0474",
        "Oslo",
        (
            ContactSpec("Per Kristian Moe", "per.kristian.moe@example.no", "+4740000112"),
            ContactSpec("Geir Olsen", "", "+4740000113"),
        ),
        is_business=True,
        external_reference="K-10233",
    ),
    CustomerSpec(
        "bakeri",
        "Bakeriet på Løkka AS",
        "Thorvald Meyers gate 61",
        "0552",
        "Oslo",
        (ContactSpec("Torunn Aas", "torunn.aas@example.no", "+4740000114"),),
        is_business=True,
        external_reference="K-10391",
    ),
    CustomerSpec(
        "tannklinikk",
        "Majorstuen Tannklinikk AS",
        "Bogstadveien 34",
        "0366",
        "Oslo",
        (ContactSpec("Hanne Vik", "hanne.vik@example.no", "+4740000115"),),
        is_business=True,
        external_reference="K-10422",
    ),
    CustomerSpec(
        "sandvik",
        "Jon Erik Sandvik",
        "Sørkedalsveien 210",
        "0754",
        "Oslo",
        (ContactSpec("Jon Erik Sandvik", "jon.erik.sandvik@example.com", "+4740000116"),),
    ),
    CustomerSpec(
        "strand",
        "Amalie Strand",
        "Kjelsåsveien 71",
        "0488",
        "Oslo",
        (ContactSpec("Amalie Strand", "amalie.strand@example.no", "+4740000117"),),
    ),
    CustomerSpec(
        "nydalen",
        "Nydalen Næringseiendom AS",
        "Gullhaugveien 9",
        "0484",
        "Oslo",
        (ContactSpec("Morten Lie", "morten.lie@example.no", "+4740000118"),),
        is_business=True,
        external_reference="K-10187",
    ),
    CustomerSpec(
        "braten",
        "Sofie og Henrik Bråten",
        "Gamle Ringeriksvei 45",
        "1357",
        "Bekkestua",
        (
            ContactSpec("Sofie Bråten", "sofie.braten@example.no", "+4740000119"),
            ContactSpec("Henrik Bråten", "henrik.braten@example.com", "+4740000120"),
        ),
    ),
    CustomerSpec(
        "solsikken",
        "Solsikken Barnehage SA",
        "Slemdalsveien 85",
        "0373",
        "Oslo",
        (ContactSpec("Ingvild Nyhus", "ingvild.nyhus@example.no", "+4740000121"),),
        is_business=True,
    ),
    CustomerSpec(
        "rahimi",
        "Ahmed Rahimi",
        "Trondheimsveien 290",
        "0589",
        "Oslo",
        (ContactSpec("Ahmed Rahimi", "ahmed.rahimi@example.com", "+4740000122"),),
    ),
    CustomerSpec(
        "eide",
        "Marius Eide",
        "Frognerveien 22",
        "0263",
        "Oslo",
        (ContactSpec("Marius Eide", "marius.eide@example.no", "+4740000123"),),
    ),
    CustomerSpec(
        "wold",
        "Kristin Wold",
        "Bygdøy allé 58",
        "0265",
        "Oslo",
        (ContactSpec("Kristin Wold", "kristin.wold@example.no", "+4740000124"),),
    ),
)

NORDLYS = OrganizationSpec(
    name="Nordlys Elektro AS",
    slug="nordlys-elektro",
    locale="nb",
    time_zone="Europe/Oslo",
    country="NO",
    case_prefix="S",
    sms_sender_name="NordlysEl",
    first_case_number=2417,
    staff=STAFF,
    teams=TEAMS,
    customers=CUSTOMERS,
    cases=CASES_1 + CASES_2 + CASES_3,
)
