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

from ._decide import Decision, decide
from ._export import FORMATS as EXPORT_FORMATS
from ._export import collect as collect_export
from ._export import export
from ._lists import Lists, load_lists
from ._logs import LogParseResult, LogRecord, parse_e2guardian_log, parse_squid_log
from ._policy import Group, Policy, PolicyError, Window, load_policy, parse_policy
from ._url import ParsedURL, URLError, parse_url

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
