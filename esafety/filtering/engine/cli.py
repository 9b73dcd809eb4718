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

        return run_helper(
            args.policy, args.group, args.mode, args.channels, args.cache_dir, args.reload_interval
        )
    if args.command == "check":
        return _check(args)
    return _export(args)


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
