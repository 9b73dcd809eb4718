"""``esafety filter check|helper|export``: the engine's command line (no Django; light imports for start-up)."""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esafety filter", description="esafety web filter engine")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="print ALLOW/BLOCK, category and URL for each URL")
    check.add_argument("--policy", required=True, help="policy TOML file")
    check.add_argument("--group", help="group name (default: chosen by --client/--user, then default_group)")
    check.add_argument("--client", help="client address, for group selection")
    check.add_argument("--user", help="user name, for group selection")
    check.add_argument("--at", help="decide as at this local time, ISO 8601 (default: now)")
    check.add_argument("--cache-dir", help="where to keep the compiled lists")
    check.add_argument(
        "urls", nargs="*", help="URLs, bare hosts or host:port (default: one per line on stdin)"
    )

    helper = sub.add_parser("helper", help="Squid url_rewrite_program / external_acl_type helper")
    helper.add_argument("--policy", required=True, help="policy TOML file")
    helper.add_argument("--group", help="use this group for every request (default: by client and user)")
    helper.add_argument(
        "--mode",
        choices=["rewrite", "acl"],
        default="rewrite",
        help="rewrite: url_rewrite_program (default); acl: external_acl_type",
    )
    helper.add_argument(
        "--channels",
        choices=["auto", "yes", "no"],
        default="auto",
        help="concurrency channel IDs on each line (auto: detect)",
    )
    helper.add_argument(
        "--reload-interval",
        type=float,
        default=5.0,
        help="seconds between checks for changed policy or lists (default 5)",
    )
    helper.add_argument("--cache-dir", help="where to keep the compiled lists")
    helper.add_argument(
        "--policy-url",
        help="keep --policy in step with this esafety feed (/filtering/feed/): a filter host elsewhere",
    )
    helper.add_argument("--key-file", help="file holding this filter host's key (with --policy-url)")
    helper.add_argument(
        "--sync-interval", type=float, default=60.0, help="seconds between fetches (default 60)"
    )

    sync = sub.add_parser("sync", help="fetch the school's published policy from esafety into a folder")
    sync.add_argument(
        "--url", required=True, help="the school's feed, https://esafety.example/filtering/feed/"
    )
    sync.add_argument("--key-file", required=True, help="file holding this filter host's key")
    sync.add_argument("--into", required=True, help="folder to keep policy.toml and its lists in")
    sync.add_argument(
        "--every", type=float, help="keep running, fetching every this many seconds (default: fetch once)"
    )

    export = sub.add_parser("export", help="write lists other filters load")
    export.add_argument("--policy", required=True, help="policy TOML file")
    export.add_argument("--group", required=True, help="group name")
    export.add_argument(
        "--format", required=True, choices=["squid-acl", "squidguard", "e2guardian", "rpz", "hosts"]
    )
    export.add_argument(
        "--output",
        "-o",
        help="file (squid-acl, rpz, hosts; default stdout) or folder (squidguard, e2guardian)",
    )
    export.add_argument("--cache-dir", help="where to keep the compiled lists")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "helper":
        from ._helper import run_helper

        if args.policy_url:
            status = _start_sync(args)
            if status:
                return status
        return run_helper(
            args.policy, args.group, args.mode, args.channels, args.cache_dir, args.reload_interval
        )
    if args.command == "check":
        return _check(args)
    if args.command == "sync":
        return _sync(args)
    return _export(args)


def _start_sync(args: argparse.Namespace) -> int:
    """Before a helper with --policy-url starts: fetch once if nothing is there yet, then keep in step."""
    from pathlib import Path

    from ._sync import SyncError, start_background_sync, sync_policy

    if not args.key_file:
        print("esafety filter helper: --policy-url needs --key-file", file=sys.stderr)
        return 2
    policy = Path(args.policy)
    if policy.name != "policy.toml":
        print(
            "esafety filter helper: with --policy-url, --policy must name <folder>/policy.toml",
            file=sys.stderr,
        )
        return 2
    if not policy.exists():
        try:
            sync_policy(args.policy_url, policy.parent, key_file=args.key_file)
        except SyncError as exc:
            print(f"esafety filter helper: {exc}", file=sys.stderr)
            return 2
    start_background_sync(args.policy_url, policy.parent, key_file=args.key_file, interval=args.sync_interval)
    return 0


def _sync(args: argparse.Namespace) -> int:
    import time

    from ._sync import SyncError, sync_policy

    while True:
        try:
            result = sync_policy(args.url, args.into, key_file=args.key_file)
            state = "fetched" if result.changed else "unchanged"
            print(f"{state}\t{result.etag}\t{result.policy_path}", flush=True)
            status = 0
        except SyncError as exc:
            print(f"esafety filter sync: {exc}; keeping the last good version", file=sys.stderr, flush=True)
            status = 1
        if args.every is None:
            return status
        time.sleep(max(args.every, 1.0))


def _check(args: argparse.Namespace) -> int:
    from ._decide import decide
    from ._policy import PolicyError, load_policy

    try:
        policy = load_policy(args.policy, args.cache_dir)
        if args.group is not None and args.group not in policy.groups:
            raise PolicyError(f"no group {args.group!r} in the policy")
    except (OSError, PolicyError) as exc:
        print(f"esafety filter check: {exc}", file=sys.stderr)
        return 2
    when = None
    if args.at:
        from datetime import datetime

        try:
            when = datetime.fromisoformat(args.at)
        except ValueError:
            print(f"esafety filter check: --at {args.at!r} is not an ISO 8601 time", file=sys.stderr)
            return 2
    for warning in policy.warnings:
        print(f"esafety filter check: warning: {warning}", file=sys.stderr)
    urls = args.urls or (line.rstrip("\r\n") for line in sys.stdin)
    out = sys.stdout
    for url in urls:
        d = decide(policy, url, group=args.group, client=args.client, user=args.user, when=when)
        shown = url.replace("\t", " ")  # keep the three tab-separated columns parseable
        out.write(f"{d.verdict}\t{d.category}\t{shown}\n")
    out.flush()
    return 0


def _export(args: argparse.Namespace) -> int:
    from ._export import export
    from ._policy import PolicyError, load_policy

    try:
        policy = load_policy(args.policy, args.cache_dir)
        if args.group not in policy.groups:
            raise PolicyError(f"no group {args.group!r} in the policy")
        export(policy, args.group, args.format, args.output)
    except (OSError, PolicyError, ValueError) as exc:
        print(f"esafety filter export: {exc}", file=sys.stderr)
        return 2
    return 0
