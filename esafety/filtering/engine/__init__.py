"""esafety's web filter engine: framework-free (never imports Django), fast and bypass-proof.

Public API::

    policy = load_policy("policy.toml")           # groups + compiled, memory-mapped category lists
    d = decide(policy, "http://0x7f.1/", group="pupils")
    d.allowed, d.category, d.url                  # False, "ip-literal", "http://127.0.0.1/"
    parse_url("HTTP://Bücher.example.:80/a/../b")  # ParsedURL(..., host="xn--bcher-kva.example", path="/b")
    export(policy, "pupils", "rpz", "pupils.rpz")
    result = parse_squid_log(open("access.log"), policy)

See docs/filtering-engine.md for the policy file, the semantics, the Squid helper protocol and the exports.
"""

from typing import TYPE_CHECKING, Any

from ._decide import Decision, decide
from ._lists import Lists, load_lists
from ._policy import Group, Policy, PolicyError, Window, load_policy, parse_policy
from ._url import ParsedURL, URLError, parse_url

if TYPE_CHECKING:
    from ._export import FORMATS as EXPORT_FORMATS
    from ._export import collect as collect_export
    from ._export import export
    from ._logs import LogParseResult, LogRecord, parse_e2guardian_log, parse_squid_log

# Exports and log parsers are imported on first use: Squid starts many helpers, and these two modules were
# most of a helper's import time while deciding needs neither.
_LAZY = {
    "EXPORT_FORMATS": ("_export", "FORMATS"),
    "collect_export": ("_export", "collect"),
    "export": ("_export", "export"),
    "LogParseResult": ("_logs", "LogParseResult"),
    "LogRecord": ("_logs", "LogRecord"),
    "parse_e2guardian_log": ("_logs", "parse_e2guardian_log"),
    "parse_squid_log": ("_logs", "parse_squid_log"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value
    return value


__all__ = [
    "EXPORT_FORMATS",
    "Decision",
    "Group",
    "Lists",
    "LogParseResult",
    "LogRecord",
    "ParsedURL",
    "Policy",
    "PolicyError",
    "URLError",
    "Window",
    "collect_export",
    "decide",
    "export",
    "load_lists",
    "load_policy",
    "parse_e2guardian_log",
    "parse_policy",
    "parse_squid_log",
    "parse_url",
]
