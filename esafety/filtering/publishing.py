"""Compiling a school's filter settings into the engine's policy file and list folder.

Layout under ``VAR_DIR/filtering/<school slug>/``::

    policy.toml              the current version; its path never changes, so helpers reload it by themselves
    versions/<n>/policy.toml that version as published (``lists = "lists"``), kept for diff and rollback
    versions/<n>/lists/      the categories the version uses (hard links to the school's list folder if possible)
    versions/<n>/bundle.tar  that version and its lists for filter hosts elsewhere (``/filtering/feed/``),
                             written the first time a host asks for it
    cache/                   the engine's compiled lists, shared by every version

The current ``policy.toml`` is written to a temporary name and renamed, so a helper never reads half a file.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from esafety.filtering import engine
from esafety.filtering.models import (
    ChangeRequest,
    FilterCategory,
    FilterGroup,
    FilterSettings,
    NetworkAccount,
    PolicyVersion,
)
from esafety.people.models import Person
from esafety.registers import actions as registers_actions

if TYPE_CHECKING:
    from esafety.people.models import School

DEMO_LISTS = Path(__file__).resolve().parent / "demo_lists"
LIST_FILES = ("domains", "urls", "expressions")


def settings_for(school: School) -> FilterSettings:
    found, _ = FilterSettings.objects.get_or_create(school=school)
    return found


def school_dir(school: School) -> Path:
    return Path(settings.VAR_DIR) / "filtering" / school.slug


def lists_dir(school: School) -> Path:
    configured = settings_for(school).lists_dir.strip()
    return Path(configured) if configured else DEMO_LISTS


def available_categories(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir() if p.is_dir() and any((p / f).exists() for f in LIST_FILES)
    )


def block_page_url() -> str:
    return settings.SITE_URL + reverse("filtering:blocked")


def _toml(value: Any) -> str:
    # A JSON string or list of strings is also a valid TOML basic string / array (same escapes).
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _accounts(people: Iterable[Person]) -> list[str]:
    """The network account names of ``people``: the filter's own table and those the registers room issued."""
    people = list(people)
    if not people:
        return []
    names = set(NetworkAccount.objects.filter(person__in=people).values_list("username", flat=True))
    ids = {p.pk for p in people}
    names.update(
        name
        for name, person_id in registers_actions.network_usernames(people[0].school).items()
        if person_id in ids
    )
    return sorted({name.lower() for name in names})


def illegal_categories(school: School) -> list[str]:
    return list(
        FilterCategory.objects.filter(school=school, illegal=True)
        .order_by("name")
        .values_list("name", flat=True)
    )


@dataclass
class Compiled:
    toml: str  # as written into versions/<n>/policy.toml
    categories: list[str]
    snapshot: dict[str, Any]


def in_force(school: School) -> list[ChangeRequest]:
    now = timezone.now()
    return list(
        ChangeRequest.objects.filter(
            school=school, status=ChangeRequest.Status.APPLIED, applied_externally=False
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("person")
        .order_by("number")
    )


def compile_policy(school: School, lists: str = "lists", cache_dir: str = "../../cache") -> Compiled:
    """The policy TOML of the school's current settings plus every applied request still in force."""
    filter_settings = settings_for(school)
    groups = list(FilterGroup.objects.filter(school=school))
    illegal = illegal_categories(school)
    by_name = {g.name: g for g in groups}
    extra_allow: dict[str, list[str]] = {g.name: [] for g in groups}
    extra_deny: dict[str, list[str]] = {g.name: [] for g in groups}
    derived: list[tuple[str, FilterGroup, list[str], ChangeRequest]] = []
    for request in in_force(school):
        entries = extra_allow if request.kind == ChangeRequest.Kind.UNBLOCK else extra_deny
        if request.scope == ChangeRequest.Scope.SCHOOL:
            for name in entries:
                entries[name].append(request.site)
        elif request.scope == ChangeRequest.Scope.GROUP and request.group in by_name:
            entries[request.group].append(request.site)
        elif request.group in by_name:
            if request.scope == ChangeRequest.Scope.PERSON:
                people: Any = [request.person] if request.person else []
            else:
                people = Person.objects.filter(
                    school=school, class_name=request.class_name, left_on__isnull=True
                )
            derived.append(
                (f"{request.group}-r{request.number}", by_name[request.group], _accounts(people), request)
            )
    lines = [
        f"# esafety filter policy for {school.name}: generated, do not edit (publish from /filtering/ instead).",
        "# Category lists: UT1 blacklists, Université Toulouse Capitole, CC BY-SA 4.0, and the school's own.",
        f"lists = {_toml(lists)}",
        f"cache_dir = {_toml(cache_dir)}",
        f"block_page = {_toml(block_page_url())}",
        'timezone = "Europe/London"',
    ]
    if filter_settings.default_group in by_name:
        lines.append(f"default_group = {_toml(filter_settings.default_group)}")
    if illegal:
        lines.append(f"always_block = {_toml(illegal)}")
    used = set(illegal)

    def emit(
        name: str, group: FilterGroup, users: list[str], allow: list[str], deny: list[str], note: str
    ) -> None:
        blocked = [c for c in group.blocked if c not in illegal]
        used.update(blocked)
        lines.extend(["", f"# {note}", f"[groups.{_toml(name)}]"])
        lines.append(f"block = {_toml(blocked)}")
        lines.append(f"allow = {_toml(sorted(set(group.allow) | set(allow)))}")
        lines.append(f"deny = {_toml(sorted(set(group.deny) | set(deny)))}")
        lines.append(f"default = {_toml(group.default)}")
        lines.append(f"safe_search = {_toml(group.safe_search)}")
        lines.append(f"youtube = {_toml(group.youtube)}")
        lines.append(f"block_ip_literals = {_toml(group.block_ip_literals)}")
        if group.clients and not note.startswith("Request"):
            lines.append(f"clients = {_toml(group.clients)}")
        lines.append(f"users = {_toml(users)}")
        for window in group.windows:
            used.update(window.get("block", []))
            lines.extend(["", f"[[groups.{_toml(name)}.windows]]"])
            for key in ("days", "start", "end", "block", "deny"):
                if key in window:
                    lines.append(f"{key} = {_toml(window[key])}")

    # Groups of one request come first: the engine gives a request to the first group whose accounts match.
    for name, base, users, request in derived:
        allow = [request.site] if request.kind == ChangeRequest.Kind.UNBLOCK else []
        deny = [request.site] if request.kind == ChangeRequest.Kind.BLOCK else []
        emit(
            name,
            base,
            users,
            extra_allow[base.name] + allow,
            extra_deny[base.name] + deny,
            f"Request #{request.number}: {base.name} for {request.get_scope_display().lower()}",
        )
    for group in groups:
        year_people = Person.objects.filter(
            school=school, kind=Person.Kind.PUPIL, year_group__in=group.year_groups, left_on__isnull=True
        )
        users = sorted(
            {*(u.lower() for u in group.users), *(_accounts(year_people) if group.year_groups else [])}
        )
        emit(group.name, group, users, extra_allow[group.name], extra_deny[group.name], group.label)
    available = set(available_categories(lists_dir(school)))
    return Compiled(
        "\n".join(lines) + "\n",
        sorted(used & available),
        {"groups": {g.name: g.snapshot() for g in groups}, "illegal": illegal},
    )


def _link_lists(source: Path, target: Path, categories: Iterable[str]) -> None:
    for category in categories:
        (target / category).mkdir(parents=True, exist_ok=True)
        for name in LIST_FILES:
            src = source / category / name
            if not src.exists():
                continue
            try:
                os.link(src, target / category / name)
            except OSError:  # another file system, or links not allowed: copy instead
                shutil.copyfile(src, target / category / name)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def current_path(school: School) -> Path:
    return school_dir(school) / "policy.toml"


def write_version(school: School, number: int, compiled: Compiled) -> Path:
    """Write version ``number`` and make it current; returns the current policy file's path."""
    root = school_dir(school)
    version_dir = root / "versions" / str(number)
    if version_dir.exists():
        shutil.rmtree(version_dir)
    version_dir.mkdir(parents=True)
    (root / "cache").mkdir(exist_ok=True)
    _link_lists(lists_dir(school), version_dir / "lists", compiled.categories)
    (version_dir / "policy.toml").write_text(compiled.toml, encoding="utf-8")
    current = compiled.toml.replace('lists = "lists"', f'lists = "versions/{number}/lists"', 1).replace(
        'cache_dir = "../../cache"', 'cache_dir = "cache"', 1
    )
    # Load it before it goes live: a version the engine refuses never replaces the one in force.
    engine.parse_policy(tomllib.loads(current), root, cache_dir=root / "cache", path=root / "policy.toml")
    _write_atomically(root / "policy.toml", current)
    return root / "policy.toml"


def latest_version(school: School) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(school=school).order_by("-number").first()


@lru_cache(maxsize=32)
def _load(path: str, signature: tuple[int, int, int]) -> engine.Policy:
    return engine.load_policy(path)


def load_published(school: School) -> engine.Policy | None:
    """The engine's view of the school's current published policy (cached until the file changes)."""
    path = current_path(school)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    # Each publication renames a new file into place: a new inode even when two land within one clock tick.
    return _load(str(path), (stat.st_ino, stat.st_size, stat.st_mtime_ns))


def probe_policy(school: School) -> engine.Policy:
    """A policy with only the illegal categories, to ask "is this site illegal content?" before publishing."""
    root = school_dir(school)
    (root / "cache").mkdir(parents=True, exist_ok=True)
    data = {
        "lists": str(lists_dir(school)),
        "always_block": illegal_categories(school),
        "groups": {"probe": {}},
    }
    return engine.parse_policy(data, root, cache_dir=root / "cache")


def illegal_category_of(school: School, site: str) -> str | None:
    """The illegal-content category listing ``site`` (a URL, host or host/path), if any."""
    illegal = set(illegal_categories(school))
    if not illegal:
        return None
    decision = engine.decide(probe_policy(school), site, group="probe")
    return decision.category if decision.category in illegal else None


def canonical_site(text: str, whole_site: bool = True) -> str:
    """The entry the engine reads for a URL someone pasted: its host without ``www.`` (covering subdomains),
    or host/path when only that address is meant. Raises ``engine.URLError`` for what no browser would open."""
    parsed = engine.parse_url(text.strip())
    host = parsed.host[4:] if parsed.host.startswith("www.") else parsed.host
    if whole_site or parsed.path in ("", "/"):
        return host
    return host + parsed.path.rstrip("/")


def feed_etag(version: PolicyVersion) -> str:
    """The feed's ETag for a version: its number and a digest of what it says (a rollback is a new number)."""
    import hashlib

    digest = hashlib.sha256(version.toml.encode()).hexdigest()[:12]
    return f'"v{version.number}-{digest}"'


def bundle(school: School, version: PolicyVersion) -> Path:
    """``versions/<n>/bundle.tar``: the version's policy.toml and lists/ as ``esafety filter sync`` unpacks them,
    built once per version (to a temporary name, then renamed: two hosts asking at once both get a whole file)."""
    version_dir = school_dir(school) / "versions" / str(version.number)
    target = version_dir / "bundle.tar"
    if target.exists():
        return target
    if not (version_dir / "policy.toml").exists():
        raise FileNotFoundError(version_dir / "policy.toml")
    tmp = target.with_name(f".bundle.{os.getpid()}.tmp")
    with tarfile.open(tmp, "w") as archive:
        archive.add(version_dir / "policy.toml", arcname="policy.toml")
        lists = version_dir / "lists"
        if lists.is_dir():
            archive.add(lists, arcname="lists", filter=_plain_member)
    os.replace(tmp, target)
    return target


def _plain_member(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    """Regular files and folders only, owned by nobody in particular (the receiving host's sync checks too)."""
    if not (member.isfile() or member.isdir()):
        return None
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    return member
