"""What changes the people of an organisation: members added and changed, teams made, changed
and removed, the organisation's basics (administrators), and a member's own language and name.

Each ``do_*`` checks that the actor may, validates, and writes in one transaction. A login
(``User``) may work in several organisations, so what belongs to the login (username, e-mail,
password, language) is never changed by one organisation's administrator; name, handle, role,
mobile and whether the member is active belong to the membership.
"""

from __future__ import annotations

import itertools
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hub.accounts.models import (
    Locale,
    Member,
    Organization,
    Role,
    Team,
    User,
    validate_time_zone,
)
from hub.customers.phones import to_e164
from hub.errors import Conflict, Forbidden, HubError, NotFound

__all__ = [
    "NewMember",
    "check_can_manage_members",
    "check_can_manage_organization",
    "check_can_manage_teams",
    "check_handle",
    "check_language",
    "check_role",
    "derive_handle",
    "do_add_member",
    "do_change_member",
    "do_change_organization",
    "do_change_profile",
    "do_change_team",
    "do_create_team",
    "do_delete_team",
    "do_set_language",
]

# The models' lengths, for messages a person can act on before the database refuses.
USERNAME_LENGTH = 150
EMAIL_LENGTH = 254
MEMBER_NAME_LENGTH = 150
HANDLE_LENGTH = 40
TEAM_NAME_LENGTH = 100
ORGANIZATION_NAME_LENGTH = 200

# Stricter than the model's validator: a handle also ends with a letter or digit, as
# ``hub.threads.mentions`` reads "@kari." as a mention of kari. A handle that ended in a dot
# could never be mentioned.
HANDLE_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
# As ``hub.mail.addresses.TAG_PATTERN`` reads "[S-1042]" in a subject.
CASE_PREFIX_RE = re.compile(r"[A-Z]{1,8}")

# Letters NFKD does not take apart; the rest (å, ä, ö, é, ü, …) lose their marks.
_FOLD = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "ð": "d", "đ": "d", "þ": "th", "ł": "l"}
)
# No 0/o, 1/l/i: a temporary password is read aloud or copied from a screen.
_UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789"


# --- Who may ------------------------------------------------------------------------------------


def check_can_manage_members(actor: Member) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden(_("Only administrators may add or change members."))


def check_can_manage_teams(actor: Member) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden(_("Only administrators may change teams."))


def check_can_manage_organization(actor: Member) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden(_("Only administrators may change the organisation's settings."))


def _check_same_organization(actor: Member, *members: Member) -> None:
    if any(member.organization_id != actor.organization_id for member in members):
        raise NotFound(_("No such member."), field="member")


# --- Values -------------------------------------------------------------------------------------


def _required_text(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise HubError(_("%(field)s is required.") % {"field": field}, field=field)
    if len(text) > limit:
        raise HubError(_("%(field)s is too long.") % {"field": field}, field=field)
    return text


def _from_validation(error: ValidationError, field: str) -> HubError:
    return HubError(" ".join(error.messages), field=field)


def check_role(role: str) -> str:
    if role not in Role.values:
        raise HubError(_("Unknown role: %(role)s") % {"role": role}, field="role")
    return role


def check_language(language: str, *, field: str = "language", blank: bool = True) -> str:
    """One of the hub's languages; "" (the organisation's) only where ``blank``."""
    if (language == "" and blank) or language in Locale.values:
        return language
    raise HubError(_("Unknown language: %(language)s") % {"language": language}, field=field)


def check_handle(handle: str) -> str:
    """What colleagues type after @: lower-cased, a leading @ dropped."""
    value = handle.strip().removeprefix("@").lower()
    if len(value) > HANDLE_LENGTH or not HANDLE_RE.fullmatch(value):
        raise HubError(
            _(
                "A handle is up to %(limit)d lower-case letters (a-z), digits, dots, hyphens "
                "and underscores, and starts and ends with a letter or digit."
            )
            % {"limit": HANDLE_LENGTH},
            field="handle",
        )
    return value


def _check_handle_free(organization_id: int, handle: str, member: Member | None = None) -> None:
    taken = Member.objects.filter(organization_id=organization_id, handle=handle)
    if member is not None:
        taken = taken.exclude(pk=member.pk)
    if taken.exists():
        raise Conflict(
            _("The handle @%(handle)s is taken in this organisation.") % {"handle": handle},
            field="handle",
            code="handle_taken",
        )


def _handle_words(text: str) -> list[str]:
    """ "Bjørn-Åge Sæther" → ["bjorn-age", "saether"]."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode()
    words = (re.sub(r"[^a-z0-9._-]", "", word).strip("._-") for word in ascii_text.split())
    return [word for word in words if word]


def derive_handle(organization_id: int, name: str, fallback: str = "") -> str:
    """A free handle from a name: the first name, else first.last, else the first name with a
    number ("kari", "kari.nordmann", "kari2", …). From ``fallback`` (the username) when the name
    has no letter a-z to build one from."""
    words = _handle_words(name) or _handle_words(fallback) or ["member"]
    first = words[0][:HANDLE_LENGTH].rstrip("._-")
    candidates = [first]
    if len(words) > 1:
        candidates.append(f"{first}.{words[-1]}"[:HANDLE_LENGTH].rstrip("._-"))
    taken = set(
        Member.objects.filter(organization_id=organization_id).values_list("handle", flat=True)
    )
    numbered = (
        f"{first[: HANDLE_LENGTH - len(str(n))].rstrip('._-')}{n}" for n in itertools.count(2)
    )
    return next(c for c in itertools.chain(candidates, numbered) if c not in taken)


def _username(value: str) -> str:
    username = User.normalize_username(_required_text(value, "username", USERNAME_LENGTH))
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise _from_validation(error, "username") from None
    return username


def _email(value: str) -> str:
    email = _required_text(value, "email", EMAIL_LENGTH)
    try:
        validate_email(email)
    except ValidationError as error:
        raise _from_validation(error, "email") from None
    return User.objects.normalize_email(email)


def _phone(value: str, country: str) -> str:
    """A mobile number in E.164, read in the organisation's country; "" for none."""
    if not value.strip():
        return ""
    try:
        return to_e164(value, country)
    except ValidationError as error:
        raise _from_validation(error, "phone") from None


def _temporary_password() -> str:
    """Twelve letters and digits in three groups, "k7dm-qx2p-hw9a": about 59 bits."""
    groups = ("".join(secrets.choice(_UNAMBIGUOUS) for _i in range(4)) for _g in range(3))
    return "-".join(groups)


# --- Members ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewMember:
    member: Member
    # Made up by the hub when no password was given: shown once, stored only as a hash.
    temporary_password: str | None
    # The login already existed (a member of another organisation): it was only given a
    # membership here, its password and e-mail unchanged.
    existing_user: bool


def _check_can_join(organization_id: int, user: User, email: str) -> None:
    """An existing login joins only when the administrator also knows its e-mail address: a
    username alone is easy to guess, and the login's e-mail would then show in the list."""
    here = Member.objects.filter(organization_id=organization_id, user=user).first()
    if here is not None and here.is_active:
        raise Conflict(
            _("%(username)s is already a member of this organisation.")
            % {"username": user.username},
            field="username",
            code="already_member",
        )
    if here is not None:
        raise Conflict(
            _("%(username)s is a deactivated member of this organisation: reactivate them instead.")
            % {"username": user.username},
            field="username",
            code="deactivated_member",
        )
    if not user.email or user.email.casefold() != email.casefold():
        raise Conflict(
            _(
                "The username %(username)s is taken. To add someone who already works in another "
                "organisation, give the e-mail address of their login."
            )
            % {"username": user.username},
            field="username",
            code="username_taken",
        )


def do_add_member(
    actor: Member,
    *,
    username: str,
    email: str,
    name: str,
    role: str,
    handle: str | None = None,
    phone: str = "",
    password: str | None = None,
) -> NewMember:
    """A person joins the actor's organisation. A new login gets ``password``, or a temporary
    one when none is given; an existing login (someone of another organisation, found by
    username and e-mail) only gets the membership. The handle, when not given, is made from the
    name."""
    check_can_manage_members(actor)
    organization = actor.organization
    username = _username(username)
    email = _email(email)
    name = _required_text(name, "name", MEMBER_NAME_LENGTH)
    role = check_role(role)
    phone = _phone(phone, organization.country)
    chosen_handle = check_handle(handle) if handle and handle.strip() else None
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        existing_user = user is not None
        if user is not None:
            _check_can_join(organization.pk, user, email)
        if chosen_handle is not None:
            _check_handle_free(organization.pk, chosen_handle)
        temporary = None
        if user is None:
            user = User(username=username, email=email)
            if not password:
                temporary = password = _temporary_password()
            else:
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    raise _from_validation(error, "password") from None
            user.set_password(password)
        member = Member(
            organization=organization,
            user=user,
            role=role,
            display_name=name,
            handle=chosen_handle or derive_handle(organization.pk, name, username),
            phone=phone,
        )
        try:
            with transaction.atomic():
                if not existing_user:
                    user.save()
                member.save()
        except IntegrityError:
            # Someone took the username or the handle in the moment since they were checked.
            _check_handle_free(organization.pk, member.handle)
            raise Conflict(
                _("The username %(username)s is taken.") % {"username": username},
                field="username",
                code="username_taken",
            ) from None
    return NewMember(member, temporary, existing_user)


def do_change_member(
    actor: Member,
    member: Member,
    *,
    role: str | None = None,
    name: str | None = None,
    handle: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
) -> Member:
    """Change what ``member`` is in the organisation; ``None`` leaves a field as it is. The
    organisation keeps at least one active administrator, and nobody deactivates themself."""
    check_can_manage_members(actor)
    _check_same_organization(actor, member)
    if role is not None:
        role = check_role(role)
    if name is not None:
        name = _required_text(name, "name", MEMBER_NAME_LENGTH)
    if handle is not None:
        handle = check_handle(handle)
    if phone is not None:
        phone = _phone(phone, actor.organization.country)
    if is_active is False and member.pk == actor.pk:
        raise HubError(
            _("You cannot deactivate yourself."), field="is_active", code="self_deactivation"
        )
    with transaction.atomic():
        # One change of the organisation's members at a time, so that two administrators
        # demoting each other cannot leave it with none.
        Organization.objects.select_for_update().filter(pk=member.organization_id).first()
        member.refresh_from_db()
        stays_admin = (role or member.role) == Role.ADMIN and (
            member.is_active if is_active is None else is_active
        )
        if member.role == Role.ADMIN and member.is_active and not stays_admin:
            others = Member.objects.filter(
                organization_id=member.organization_id, role=Role.ADMIN, is_active=True
            ).exclude(pk=member.pk)
            if not others.exists():
                raise Conflict(
                    _("The organisation needs at least one active administrator."),
                    field="role" if role is not None and role != Role.ADMIN else "is_active",
                    code="last_admin",
                )
        if handle is not None and handle != member.handle:
            _check_handle_free(member.organization_id, handle, member)
        changes = {
            "role": role,
            "display_name": name,
            "handle": handle,
            "phone": phone,
            "is_active": is_active,
        }
        changed = [
            field
            for field, value in changes.items()
            if value is not None and getattr(member, field) != value
        ]
        for field in changed:
            setattr(member, field, changes[field])
        if changed:
            try:
                with transaction.atomic():
                    member.save(update_fields=changed)
            except IntegrityError:
                _check_handle_free(member.organization_id, member.handle, member)
                raise
    return member


# --- A member's own profile ---------------------------------------------------------------------


def do_change_profile(
    member: Member, *, language: str | None = None, name: str | None = None
) -> Member:
    """A member's own choices: the language the hub speaks to their login ("" follows the
    organisation), and their name in this organisation."""
    if language is not None:
        language = check_language(language)
    if name is not None:
        name = _required_text(name, "name", MEMBER_NAME_LENGTH)
    with transaction.atomic():
        if language is not None and language != member.user.language:
            member.user.language = language
            member.user.save(update_fields=["language"])
        if name is not None and name != member.display_name:
            member.display_name = name
            member.save(update_fields=["display_name"])
    return member


def do_set_language(member: Member, language: str) -> Member:
    return do_change_profile(member, language=language)


# --- Teams --------------------------------------------------------------------------------------


def _team_name(organization_id: int, value: str, team: Team | None = None) -> str:
    name = _required_text(value, "name", TEAM_NAME_LENGTH)
    same = Team.objects.filter(organization_id=organization_id, name__iexact=name)
    if team is not None:
        same = same.exclude(pk=team.pk)
    if same.exists():
        raise Conflict(
            _("There is already a team called “%(name)s”.") % {"name": name},
            field="name",
            code="team_name_taken",
        )
    return name


def _check_team(actor: Member, team: Team) -> None:
    if team.organization_id != actor.organization_id:
        raise NotFound(_("No such team."), field="team")


def do_create_team(actor: Member, *, name: str, members: list[Member]) -> Team:
    check_can_manage_teams(actor)
    _check_same_organization(actor, *members)
    with transaction.atomic():
        team = Team(organization_id=actor.organization_id)
        team.name = _team_name(actor.organization_id, name)
        try:
            with transaction.atomic():
                team.save()
        except IntegrityError:
            _team_name(actor.organization_id, team.name)
            raise
        team.members.set(members)
    return team


def do_change_team(
    actor: Member, team: Team, *, name: str | None = None, members: list[Member] | None = None
) -> Team:
    """Rename the team or give it a new list of members; ``None`` leaves either as it is."""
    check_can_manage_teams(actor)
    _check_team(actor, team)
    if members is not None:
        _check_same_organization(actor, *members)
    with transaction.atomic():
        if name is not None:
            name = _team_name(actor.organization_id, name, team)
            if name != team.name:
                team.name = name
                team.save(update_fields=["name"])
        if members is not None:
            team.members.set(members)
    return team


def do_delete_team(actor: Member, team: Team) -> None:
    """Only a team no case is assigned to: deleting one would leave its cases unassigned
    without anyone deciding so."""
    check_can_manage_teams(actor)
    _check_team(actor, team)
    with transaction.atomic():
        count = team.assigned_cases.count()
        if count:
            raise Conflict(
                _(
                    "Cases assigned to this team: %(count)d. Assign them elsewhere before "
                    "deleting the team."
                )
                % {"count": count},
                field="team",
                code="team_in_use",
            )
        team.delete()


# --- The organisation ---------------------------------------------------------------------------


def do_change_organization(
    actor: Member,
    *,
    name: str | None = None,
    locale: str | None = None,
    time_zone: str | None = None,
    case_prefix: str | None = None,
) -> Organization:
    """The organisation's name, language, time zone and case number prefix; ``None`` leaves a
    field as it is. A new prefix applies to every case's reference, old ones included."""
    check_can_manage_organization(actor)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _required_text(name, "name", ORGANIZATION_NAME_LENGTH)
    if locale is not None:
        changes["locale"] = check_language(locale, field="locale", blank=False)
    if time_zone is not None:
        time_zone = time_zone.strip()
        try:
            validate_time_zone(time_zone)
        except ValidationError as error:
            raise _from_validation(error, "time_zone") from None
        changes["time_zone"] = time_zone
    if case_prefix is not None:
        prefix = case_prefix.strip().upper()
        if not CASE_PREFIX_RE.fullmatch(prefix):
            raise HubError(_("A case number prefix is 1 to 8 letters A-Z."), field="case_prefix")
        changes["case_prefix"] = prefix
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
        changed = [
            field for field, value in changes.items() if getattr(organization, field) != value
        ]
        for field in changed:
            setattr(organization, field, changes[field])
        if changed:
            organization.save(update_fields=changed)
    actor.organization = organization
    return organization
