"""Keep a filter host's policy in step with the school's esafety over HTTP(S) (``esafety filter sync``).

A filter host that is not the machine esafety publishes on (a proxy in another building, a trust's shared Squid)
fetches the school's current published version from ``/filtering/feed/`` with its own key. The layout it writes
is the one esafety publishes into, so the helper reloads it by itself as it does on the server::

    <into>/policy.toml              the current version (renamed into place: a helper never reads half a file)
    <into>/versions/<tag>/          each version fetched: policy.toml and lists/
    <into>/cache/                   the engine's compiled lists
    <into>/etag                     the ETag of the version in force, sent as If-None-Match

A fetch that fails in any way (the network, a refusal, a truncated or hostile archive, a policy the engine
refuses) changes nothing: the last good version stays in force and the failure is reported. Several Squid
helpers on one host may sync into the same folder; a lock file keeps them to one fetch at a time.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import re
import shutil
import ssl
import sys
import tarfile
import tempfile
import threading
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ._policy import PolicyError, parse_policy

__all__ = ["SyncError", "SyncResult", "start_background_sync", "sync_policy"]

MAX_BUNDLE_BYTES = 512 * 1024 * 1024  # the whole of UT1 is under 40 MB; a bigger answer is not a policy
KEEP_VERSIONS = 3
_USER_AGENT = "esafety-filter-sync/1"
_TOP_LEVEL = re.compile(r"^(lists|cache_dir)\s*=.*$", re.MULTILINE)


class SyncError(Exception):
    """Why a fetch changed nothing (the last good version stays in force)."""


@dataclass(frozen=True)
class SyncResult:
    changed: bool  # False: the server said 304 Not Modified
    etag: str
    policy_path: Path


def _read_key(key: str | None, key_file: str | os.PathLike[str] | None) -> str:
    if key_file is not None:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SyncError(f"cannot read the key file {key_file}: {exc.strerror}") from None
    if not key:
        raise SyncError("a filter host key is needed (--key-file)")
    return key


def _tag(etag: str) -> str:
    """A folder name for a version: readable where the ETag is, never a path."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "", etag.strip('W/"'))[:40]
    return cleaned or hashlib.sha256(etag.encode()).hexdigest()[:16]


def _extract(data: bytes, target: Path) -> None:
    """Unpack a bundle, refusing anything that is not a plain file or folder inside ``target``."""
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")  # noqa: SIM115 (closed by the with below)
    except tarfile.TarError as exc:
        raise SyncError(f"the answer is not a policy bundle: {exc}") from None
    with archive:
        seen_policy = False
        for member in archive:
            name = PurePosixPath(member.name)
            if name.is_absolute() or ".." in name.parts or not name.parts:
                raise SyncError(f"the bundle names a path outside its folder: {member.name!r}")
            if name.parts[0] not in ("policy.toml", "lists"):
                raise SyncError(f"unexpected entry in the bundle: {member.name!r}")
            out = target.joinpath(*name.parts)
            if member.isdir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            if not member.isfile():
                raise SyncError(f"the bundle holds a link or device, refused: {member.name!r}")
            out.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is None:  # pragma: no cover - isfile() members always have data
                raise SyncError(f"unreadable entry {member.name!r}")
            with source, open(out, "wb") as sink:
                shutil.copyfileobj(source, sink)
            seen_policy |= name.parts == ("policy.toml",)
    if not seen_policy:
        raise SyncError("the bundle has no policy.toml")


def _current_text(version_text: str, tag: str) -> str:
    """The version's policy as ``<into>/policy.toml``: its lists and cache folders seen from there."""
    replacements = {"lists": f'lists = "versions/{tag}/lists"', "cache_dir": 'cache_dir = "cache"'}
    done: set[str] = set()

    def swap(m: re.Match[str]) -> str:
        key = m.group(1)
        done.add(key)
        return replacements[key]

    # Top-level keys come before the first table, so only that part is rewritten.
    head, sep, tail = version_text.partition("\n[")
    head = _TOP_LEVEL.sub(swap, head)
    text = head + sep + tail
    missing = [replacements[key] for key in ("lists", "cache_dir") if key not in done]
    return "\n".join(missing) + ("\n" if missing else "") + text


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _prune(versions: Path, keep: str) -> None:
    found = sorted((p for p in versions.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in found[:-KEEP_VERSIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def _fetch(url: str, key: str, etag: str | None, timeout: float) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {key}", "User-Agent": _USER_AGENT, "Accept": "application/x-tar"}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http(s) only: sync_policy checks)
    context = ssl.create_default_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # noqa: S310 (http(s) only, checked by the caller)
            body = response.read(MAX_BUNDLE_BYTES + 1)
            if len(body) > MAX_BUNDLE_BYTES:
                raise SyncError(f"the bundle is larger than {MAX_BUNDLE_BYTES // (1024 * 1024)} MB")
            return response.status, response.headers.get("ETag", ""), body
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, etag or "", b""
        reason = {401: "the key was refused", 403: "the key was refused", 404: "nothing published yet"}
        raise SyncError(f"{url} answered {exc.code}: {reason.get(exc.code, exc.reason)}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise SyncError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from None


def sync_policy(
    url: str,
    into: str | os.PathLike[str],
    *,
    key: str | None = None,
    key_file: str | os.PathLike[str] | None = None,
    timeout: float = 30.0,
) -> SyncResult:
    """Fetch the published version at ``url`` into ``into`` if it changed; raises :class:`SyncError` and
    leaves the version in force alone on any failure."""
    if not url.startswith(("https://", "http://")):
        raise SyncError(f"not an http(s) address: {url!r}")
    secret = _read_key(key, key_file)
    root = Path(into)
    root.mkdir(parents=True, exist_ok=True)
    (root / "versions").mkdir(exist_ok=True)
    (root / "cache").mkdir(exist_ok=True)
    with open(root / ".sync.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        etag_file = root / "etag"
        current = root / "policy.toml"
        known = etag_file.read_text(encoding="utf-8").strip() if etag_file.exists() else ""
        status, etag, body = _fetch(url, secret, known if current.exists() else None, timeout)
        if status == 304:
            return SyncResult(False, known, current)
        if not etag:
            raise SyncError(f"{url} sent no ETag: not an esafety filter feed")
        tag = _tag(etag)
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root / "versions"))
        try:
            _extract(body, staging)
            (staging / "lists").mkdir(exist_ok=True)  # a version that needs no list still names the folder
            try:
                version_text = (staging / "policy.toml").read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise SyncError("the fetched policy is not UTF-8 text") from None
            text = _current_text(version_text, tag)
            final = root / "versions" / tag
            try:
                # Validate against the staged lists before anything moves: a refused version never goes live.
                staged = _current_text(version_text, staging.name)
                parse_policy(tomllib.loads(staged), root, cache_dir=root / "cache", path=current)
            except (tomllib.TOMLDecodeError, PolicyError) as exc:
                raise SyncError(f"the fetched policy was refused: {exc}") from None
            if final.exists():
                shutil.rmtree(final)
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _write_atomically(current, text)
        _write_atomically(etag_file, etag + "\n")
        _prune(root / "versions", tag)
        return SyncResult(True, etag, current)


def start_background_sync(
    url: str,
    into: str | os.PathLike[str],
    *,
    key_file: str | os.PathLike[str],
    interval: float = 60.0,
) -> threading.Thread:
    """Sync every ``interval`` seconds in a daemon thread (the helper's ``--policy-url``); failures are
    reported on stderr and the last good version stays in force."""

    def loop() -> None:
        stop = threading.Event()
        while True:
            try:
                result = sync_policy(url, into, key_file=key_file)
                if result.changed:
                    print(f"esafety filter sync: now at {result.etag}", file=sys.stderr)
            except SyncError as exc:
                print(f"esafety filter sync: {exc}; keeping the last good version", file=sys.stderr)
            except Exception as exc:  # noqa: BLE001 (a sync thread must never take the helper down)
                print(
                    f"esafety filter sync: unexpected error {exc!r}; keeping the last good version",
                    file=sys.stderr,
                )
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="esafety-filter-sync", daemon=True)
    thread.start()
    return thread
