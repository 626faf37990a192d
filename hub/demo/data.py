"""The demo content: three Nordic companies, their people, customers and two weeks of work.

The README's run command loads this (``manage.py seed_demo``); it is the product's shop window,
so it is written to read like real companies. Each organisation lives in its own module under
``hub.demo.content``; this one gathers them and the logins they share.
"""

from __future__ import annotations

from hub.demo.content.fjallbacka import FJALLBACKA
from hub.demo.content.kobenhavn import KOBENHAVN
from hub.demo.content.nordlys import NORDLYS
from hub.demo.spec import OrganizationSpec, Person

# Set with ``set_password``, so Django's password validators (forms only) never see it.
DEMO_PASSWORD = "demo1234"  # noqa: S105 - a published demo password, refused in production

PEOPLE: tuple[Person, ...] = (
    # Nordlys Elektro AS, Oslo. Kari also runs the Swedish company the group bought.
    Person("kari", "Kari", "Lunde", "kari.lunde@example.no", superuser=True),
    Person("ola", "Ola", "Hagen", "ola.hagen@example.no"),
    Person("silje", "Silje", "Moen", "silje.moen@example.no"),
    Person("lars", "Lars", "Bakken", "lars.bakken@example.no"),
    Person("emil", "Emil", "Haugland", "emil.haugland@example.no"),
    Person("nora", "Nora", "Kristiansen", "nora.kristiansen@example.no"),
    # Fjällbacka Rör & Värme AB, Bohuslän.
    Person("annika", "Annika", "Svensson", "annika.svensson@example.com"),
    Person("johan", "Johan", "Karlsson", "johan.karlsson@example.com"),
    # Københavns Rengøring ApS.
    Person("mette", "Mette", "Jensen", "mette.jensen@example.com"),
    Person("soren", "Søren", "Nielsen", "soren.nielsen@example.com"),
)

ORGANIZATIONS: tuple[OrganizationSpec, ...] = (NORDLYS, FJALLBACKA, KOBENHAVN)
