"""The ``esafety`` command.

``esafety filter ...`` and ``esafety monitor ...`` run the framework-free engines and must start fast (Squid
starts many helper processes), so this module imports neither Django nor the engines until it knows which
one is wanted. Every other sub-command is handed to Django's management commands, so ``esafety migrate``,
``esafety demo`` and ``esafety runserver`` work as ``python manage.py ...`` does.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "filter":
        from esafety.filtering.engine.cli import main as filter_main

        return filter_main(args[1:])
    if args and args[0] == "monitor":
        from esafety.monitoring.scanner.cli import main as monitor_main

        return monitor_main(args[1:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esafety.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["esafety", *args])
    except ImproperlyConfigured as exc:
        # A setting is missing or wrong: say which, in one line, instead of a traceback.
        hint = (
            " On a laptop, set DEBUG=1 (make run does)." if os.environ.get("DEBUG", "0") in ("", "0") else ""
        )
        print(f"esafety: {exc}{hint}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
