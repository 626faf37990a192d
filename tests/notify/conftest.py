"""What the notification tests share: recording a member's events across a commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from hub.accounts.models import Member
from hub.events import Group, member_group
from tests.events import Recorder, recording

Published = Callable[..., AbstractContextManager[Recorder]]
SETTLE = 0.05


@pytest.fixture
def published(django_capture_on_commit_callbacks: Callable[..., Any]) -> Published:
    """Record what reaches ``groups`` while the block runs and its transaction commits."""

    @contextmanager
    def capture(*groups: Group) -> Iterator[Recorder]:
        with (
            recording(*groups, settle=SETTLE) as recorder,
            django_capture_on_commit_callbacks(execute=True),
        ):
            yield recorder

    return capture


def mine(member: Member) -> Group:
    """The member's own group, where their notifications go."""
    return member_group(member.organization_id, member.pk)
