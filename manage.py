#!/usr/bin/env python3
"""Django's command-line utility for esafety (the installed ``esafety`` command does the same)."""

import sys

from esafety.cli import main

if __name__ == "__main__":
    sys.exit(main())
