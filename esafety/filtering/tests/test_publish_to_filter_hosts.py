"""Filter hosts elsewhere pick a new version up by themselves from an authenticated URL, with an ETag, and keep
the last good version when a fetch fails (issue 10, "Publish"). Real HTTP throughout: Django's live server for the
feed, a plain ``http.server`` for hostile answers, and the helper as a subprocess."""

from __future__ import annotations

import http.server
import io
import os
import select
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import override_settings
from django.urls import reverse

from esafety.audit.models import AuditEntry
from esafety.filtering import actions, engine, publishing
from esafety.filtering.engine._sync import SyncError, SyncResult, sync_policy
from esafety.filtering.models import FilterGroup, FilterHost
from esafety.filtering.tests.helpers import FilteringTestCase

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[3]
CHAT = next(line for line in (publishing.DEMO_LISTS / "chat" / "domains").read_text().split() if line)


def verdict(policy_path: Path, group: str, url: str) -> str:
    return engine.decide(engine.load_policy(policy_path), url, group=group).verdict


class FeedServer:
    """Django's own WSGI handler on a real socket, served on the test's thread so that it sees the test's
    transaction; the HTTP client (``sync_policy``, or a helper subprocess) runs beside it."""

    def __init__(self) -> None:
        self.httpd = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_Quiet)
        self.httpd.timeout = 0.05
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve_while(self, work: Callable[[], T]) -> T:
        result: list[T] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                result.append(work())
            except BaseException as exc:  # noqa: BLE001 (re-raised on the test's thread below)
                failure.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        # As Django's test client does: a request must not close the test's connection mid-transaction.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            thread.start()
            while thread.is_alive():
                self.httpd.handle_request()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        if failure:
            raise failure[0]
        return result[0]

    def close(self) -> None:
        self.httpd.server_close()


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class TestSyncFromTheFeed(FilteringTestCase):
    """Hollybrook publishes on this server; the juniors' proxy elsewhere syncs from its feed."""

    def setUp(self) -> None:
        super().setUp()
        self.server = FeedServer()
        self.addCleanup(self.server.close)
        self.into = Path(tempfile.mkdtemp(prefix="esafety-filter-host-")) / "juniors"
        self.addCleanup(shutil.rmtree, self.into.parent, True)
        override = override_settings(ALLOWED_HOSTS=["127.0.0.1", "testserver"])
        override.enable()
        self.addCleanup(override.disable)
        self.host, key = actions.add_filter_host(self.school, name="Juniors' proxy", by=self.technician)
        self.key_file = self.into.parent / "host.key"
        self.key_file.write_text(key + "\n")
        self.url = self.server.url + reverse("filtering:feed")

    def sync(self, url: str | None = None, timeout: float = 30.0) -> SyncResult:
        return self.server.serve_while(
            lambda: sync_policy(url or self.url, self.into, key_file=self.key_file, timeout=timeout)
        )

    def publish_allowing_chat(self) -> None:
        pupils = FilterGroup.objects.get(school=self.school, name="pupils")
        actions.save_group(pupils, by=self.technician, reason="Pen-pal project", changes={"allow": [CHAT]})
        actions.publish(self.school, by=self.technician, reason="Pen-pal project")

    def test_a_host_fetches_the_published_version_and_answers_from_it(self) -> None:
        result = self.sync()
        self.assertTrue(result.changed)
        policy = self.into / "policy.toml"
        self.assertEqual(result.policy_path, policy)
        self.assertEqual(verdict(policy, "pupils", f"http://{CHAT}/"), "BLOCK")
        self.assertEqual(verdict(policy, "staff", f"http://{CHAT}/"), "ALLOW")
        self.host.refresh_from_db()
        self.assertEqual(self.host.last_version, self.version.number)
        self.assertEqual(self.host.last_address, "127.0.0.1")

    def test_an_unchanged_version_is_not_fetched_again(self) -> None:
        self.sync()
        before = (self.into / "policy.toml").stat().st_ino
        again = self.sync()
        self.assertFalse(again.changed)
        self.assertEqual((self.into / "policy.toml").stat().st_ino, before)
        fetches = AuditEntry.objects.filter(action="filter_host.fetch").count()
        self.assertEqual(fetches, 1)

    def test_a_new_version_is_picked_up_and_old_versions_are_pruned(self) -> None:
        self.sync()
        self.publish_allowing_chat()
        self.assertTrue(self.sync().changed)
        self.assertEqual(verdict(self.into / "policy.toml", "pupils", f"http://{CHAT}/"), "ALLOW")
        for _ in range(4):
            actions.publish(self.school, by=self.technician, reason="Again")
            self.sync()
        self.assertEqual(len([p for p in (self.into / "versions").iterdir() if p.is_dir()]), 3)

    def test_a_revoked_key_is_refused_and_the_last_good_version_stays(self) -> None:
        self.sync()
        text = (self.into / "policy.toml").read_text()
        actions.revoke_filter_host(self.host, by=self.technician, reason="Proxy retired")
        self.publish_allowing_chat()
        with self.assertRaisesMessage(SyncError, "401: the key was refused"):
            self.sync()
        self.assertEqual((self.into / "policy.toml").read_text(), text)
        self.assertEqual(verdict(self.into / "policy.toml", "pupils", f"http://{CHAT}/"), "BLOCK")

    def test_an_unreachable_server_changes_nothing(self) -> None:
        self.sync()
        text = (self.into / "policy.toml").read_text()
        with self.assertRaisesMessage(SyncError, "cannot fetch"):
            self.sync(url="http://127.0.0.1:9/filtering/feed/", timeout=5)
        self.assertEqual((self.into / "policy.toml").read_text(), text)

    def test_the_helper_keeps_itself_in_step_with_the_feed(self) -> None:
        policy = self.into / "policy.toml"
        helper = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "esafety.cli",
                "filter",
                "helper",
                "--policy",
                str(policy),
                "--policy-url",
                self.url,
                "--key-file",
                str(self.key_file),
                "--group",
                "pupils",
                "--sync-interval",
                "0.5",
                "--reload-interval",
                "0.2",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.addCleanup(helper.kill)
        assert helper.stdin is not None and helper.stdout is not None

        def ask() -> bytes:
            helper.stdin.write(f"http://{CHAT}/ 10.0.0.5/- - GET\n".encode())
            helper.stdin.flush()
            ready, _, _ = select.select([helper.stdout], [], [], 60)
            self.assertTrue(ready, "the helper did not answer")
            return helper.stdout.readline()

        def ask_until_allowed() -> bytes:
            deadline = time.monotonic() + 30
            answer = ask()
            while b"/filtering/blocked/" in answer and time.monotonic() < deadline:
                time.sleep(0.3)
                answer = ask()
            return answer

        self.assertIn(b"/filtering/blocked/", self.server.serve_while(ask))
        self.publish_allowing_chat()
        self.assertEqual(
            self.server.serve_while(ask_until_allowed).strip(), b"ERR"
        )  # rewrite mode: ERR means "no change", the page is allowed


class _Answer(http.server.BaseHTTPRequestHandler):
    body = b""
    etag = '"v9-hostile"'

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("ETag", self.etag)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def _tar(entries: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            archive.addfile(info)
    return buffer.getvalue()


GOOD_POLICY = b'lists = "lists"\ncache_dir = "../../cache"\n\n[groups.pupils]\nblock = []\n'


class TestRefuseHostileBundles(FilteringTestCase):
    """Whatever a server (or whoever sits in the middle of plain HTTP) answers, nothing outside the folder is
    written and the version in force stays."""

    def serve(self, body: bytes) -> str:
        handler = type("Handler", (_Answer,), {"body": body})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}/filtering/feed/"

    def setUp(self) -> None:
        super().setUp()
        self.into = Path(tempfile.mkdtemp(prefix="esafety-hostile-"))
        self.addCleanup(shutil.rmtree, self.into, True)
        sync_policy(self.serve(_tar({"policy.toml": GOOD_POLICY})), self.into, key="esf_test")
        self.good = (self.into / "policy.toml").read_text()

    def assert_refused(self, body: bytes, message: str) -> None:
        with self.assertRaisesMessage(SyncError, message):
            sync_policy(self.serve(body), self.into, key="esf_test")
        self.assertEqual((self.into / "policy.toml").read_text(), self.good)
        self.assertFalse(any(p.name.startswith(".incoming-") for p in (self.into / "versions").iterdir()))

    def test_a_path_outside_the_folder_is_refused(self) -> None:
        self.assert_refused(_tar({"policy.toml": GOOD_POLICY, "../escaped": b"x"}), "outside its folder")
        self.assertFalse((self.into / "escaped").exists())

    def test_a_link_is_refused(self) -> None:
        self.assert_refused(
            _tar({"policy.toml": GOOD_POLICY}, symlink="lists/chat/domains"), "link or device"
        )

    def test_an_answer_that_is_not_a_bundle_is_refused(self) -> None:
        self.assert_refused(b"<html>Sign in to the hotel wifi</html>", "not a policy bundle")

    def test_a_policy_the_engine_refuses_never_goes_live(self) -> None:
        self.assert_refused(_tar({"policy.toml": b"[groups]\n"}), "the fetched policy was refused")
        self.assert_refused(_tar({"policy.toml": b"lists = \n"}), "the fetched policy was refused")

    def test_a_bundle_without_a_policy_is_refused(self) -> None:
        self.assert_refused(_tar({"lists/chat/domains": b"chat.example\n"}), "no policy.toml")


class TestServeTheFeed(FilteringTestCase):
    def test_a_session_is_not_a_filter_host_key(self) -> None:
        self.login(self.technician)
        response = self.client.get(reverse("filtering:feed"))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="esafety filter feed"')

    def test_the_key_is_shown_once_and_only_its_digest_kept(self) -> None:
        self.login(self.technician)
        page = self.client.post(reverse("filtering:hosts"), {"name": "Juniors' proxy"})
        key = page.context["key"]
        self.assertContains(page, key)
        self.assertEqual(page["Cache-Control"], "no-store")
        host = FilterHost.objects.get(school=self.school)
        self.assertNotIn(key, str(host.__dict__))
        self.assertNotContains(self.client.get(reverse("filtering:hosts")), key)
        entry = AuditEntry.objects.get(action="filter_host.add")
        self.assertNotIn(key, str(entry.detail))

    def test_a_host_of_one_school_gets_only_that_schools_policy(self) -> None:
        _, key = actions.add_filter_host(self.other_school, name="Elsewhere proxy", by=self.outsider)
        response = self.client.get(reverse("filtering:feed"), HTTP_AUTHORIZATION=f"Bearer {key}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["ETag"], publishing.feed_etag(self.other_version))
        with tarfile.open(fileobj=io.BytesIO(response.getvalue()), mode="r") as archive:
            policy = archive.extractfile("policy.toml").read().decode()
        self.assertIn("Elsewhere Academy", policy)
        self.assertNotIn("Hollybrook", policy)

    def test_an_etag_the_host_has_answers_304(self) -> None:
        _, key = actions.add_filter_host(self.school, name="Juniors' proxy", by=self.technician)
        response = self.client.get(
            reverse("filtering:feed"),
            HTTP_AUTHORIZATION=f"Bearer {key}",
            HTTP_IF_NONE_MATCH=publishing.feed_etag(self.version),
        )
        self.assertEqual(response.status_code, 304)

    def test_revoking_needs_a_reason(self) -> None:
        host, _ = actions.add_filter_host(self.school, name="Juniors' proxy", by=self.technician)
        self.login(self.technician)
        self.client.post(reverse("filtering:revoke_host", args=[host.pk]), {"reason": ""})
        host.refresh_from_db()
        self.assertTrue(host.active)
        self.client.post(reverse("filtering:revoke_host", args=[host.pk]), {"reason": "Proxy retired"})
        host.refresh_from_db()
        self.assertFalse(host.active)
