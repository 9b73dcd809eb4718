"""Small hand-made lists and policies for the engine tests (the UT1 subset has no adult domain list, and tests
must not depend on what a real list happens to contain)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from esafety.filtering.engine import Policy, load_policy

LISTS: dict[str, dict[str, list[str]]] = {
    "adult": {
        "domains": ["bad.example", "xn--bcher-kva.example", "127.0.0.1", "2001:db8::bad", "10.9.8.7"],
        "urls": ["mixed.example/adult", "www.wiki.example/wiki/Explicit_Page"],
    },
    "gambling": {"domains": ["casino.example", "cards.example"], "urls": []},
    "games": {"domains": ["games.example", "poker.cards.example"], "urls": []},
    "chat": {"domains": ["chat.example", "Ünicode-chat.example"], "urls": []},
    "malware": {
        "domains": [],
        "urls": [],
        "expressions": [r"^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/evil\?q=[0-9]+$"],
    },
    "warez": {"domains": [".stray-dot.example", "# a comment", "", "bad host!.example"], "urls": []},
    # Ways round the filter (UT1's names), blocked by every group with block_bypass (the default)
    "vpn": {"domains": ["vpn.example", "198.51.100.7"], "urls": []},
    "redirector": {"domains": ["proxy.example"], "urls": ["translate.example/proxy"]},
    "doh": {"domains": ["dns.doh.example", "9.9.9.9"], "urls": []},
}

POLICY = """\
lists = "lists"
block_page = "http://esafety.school.example/filtering/blocked/"
cache_dir = "cache"
default_group = "pupils"
timezone = "Europe/London"

[groups.pupils]
block = ["adult", "gambling", "chat", "malware", "warez"]
allow = ["safe.example", "bad.example.allowed.example", "sub.casino.example", "mixed.example/adult/biology"]
deny = ["distracting.example", "video.example/shorts"]
default = "allow"
block_ip_literals = false
clients = ["10.1.0.0/16"]

[[groups.pupils.windows]]
days = ["mon", "tue", "wed", "thu", "fri"]
start = "09:00"
end = "15:30"
block = ["games"]

[groups.infants]
default = "block"
allow = ["cbeebies.example", "school.example"]
clients = ["10.2.0.0/16"]

[groups.staff]
block = ["adult"]
safe_search = true
block_ip_literals = true
block_bypass = false
users = ["*@staff.school.example", "head"]
clients = ["10.1.5.0/24"]

# A group the helper's fast lane serves (no host/path entries, windows or safe search): tests compare the lane
# with decide() on it.
[groups.seniors]
block = ["adult", "gambling", "chat", "malware", "warez"]
allow = ["safe.example", "sub.casino.example"]
deny = ["distracting.example"]
block_ip_literals = true
clients = ["10.3.0.0/16"]
"""


def write_lists(root: Path, lists: dict[str, dict[str, list[str]]] | None = None) -> Path:
    folder = root / "lists"
    for category, files in (LISTS if lists is None else lists).items():
        (folder / category).mkdir(parents=True, exist_ok=True)
        for name, lines in files.items():
            (folder / category / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def write_policy(
    root: Path, text: str = POLICY, lists: dict[str, dict[str, list[str]]] | None = None
) -> Path:
    write_lists(root, lists)
    path = root / "policy.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_policy(root: Path, text: str = POLICY) -> Policy:
    return load_policy(write_policy(root, text))
