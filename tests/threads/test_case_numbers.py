"""Case numbers: what people call a case (``S-1042``), handed out once per organisation."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from hub.accounts.models import Member, Organization, Role
from hub.errors import HubError
from hub.threads.models import Case, CaseSequence
from tests.factories import make_case, make_member, make_org, rolled_back

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_numbers_start_at_1001_and_follow_each_other(dispatcher: Member) -> None:
    cases = [make_case(dispatcher, f"Sak {n}") for n in range(3)]
    assert [case.number for case in cases] == [1001, 1002, 1003]
    assert [case.reference for case in cases] == ["S-1001", "S-1002", "S-1003"]
    assert CaseSequence.objects.get(organization=dispatcher.organization).last_number == 1003


def test_numbers_are_independent_between_organisations(
    dispatcher: Member, other_org: Organization
) -> None:
    colleague_abroad = make_member(other_org, Role.DISPATCHER, handle="sven")
    assert make_case(dispatcher).number == 1001
    assert make_case(colleague_abroad).number == 1001
    assert make_case(dispatcher).number == 1002
    assert make_case(dispatcher).number == 1003
    assert make_case(colleague_abroad).number == 1002


def test_the_reference_uses_the_organisation_prefix(db: None) -> None:
    organization = make_org(case_prefix="SRV")
    case = make_case(make_member(organization))
    assert case.reference == "SRV-1001"
    assert str(case) == "SRV-1001 Jordfeil i sikringsskapet"


def test_a_rolled_back_creation_gives_its_number_back(dispatcher: Member) -> None:
    make_case(dispatcher)
    with rolled_back():
        assert make_case(dispatcher).number == 1002
    assert make_case(dispatcher).number == 1002
    assert list(Case.objects.order_by("number").values_list("number", flat=True)) == [1001, 1002]


def test_a_refused_creation_draws_no_number(dispatcher: Member) -> None:
    first = make_case(dispatcher).number
    with pytest.raises(HubError):
        make_case(dispatcher, "   ")
    assert make_case(dispatcher).number == first + 1


CREATORS = 8
CASES_EACH = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_creators_get_unique_contiguous_numbers() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL's row locks")
    organization = make_org()
    other = make_org()
    creators = [make_member(organization) for _ in range(CREATORS)]
    outsider = make_member(other)
    # Every thread starts at once, before any sequence row exists, so the first creations also
    # race on creating the row.
    start = threading.Barrier(CREATORS + 1)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def create(member: Member) -> None:
        try:
            start.wait(timeout=10)
            for n in range(CASES_EACH):
                case = make_case(member, f"Sak {n} fra {member.handle}")
                with lock:
                    numbers.append(case.number)
        except BaseException as error:  # reported below, from the test's thread
            errors.append(error)
        finally:
            connection.close()

    def create_elsewhere() -> None:
        try:
            start.wait(timeout=10)
            make_case(outsider)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(member,)) for member in creators]
    threads.append(threading.Thread(target=create_elsewhere))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    total = CREATORS * CASES_EACH
    assert sorted(numbers) == list(range(1001, 1001 + total))
    stored = Case.objects.filter(organization=organization).values_list("number", flat=True)
    assert sorted(stored) == list(range(1001, 1001 + total))
    assert CaseSequence.objects.get(organization=organization).last_number == 1000 + total
    assert Case.objects.get(organization=other).number == 1001
