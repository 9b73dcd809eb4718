"""Benchmark the risk scanner against ``grep -F -i -c -f`` on the same text (not a test).

    python bench/monitor/run.py [--mb 50] [--class-mb 2] [--backend hyperscan|ahocorasick] [--synthetic]

Generates realistic school messages deterministically into a temporary directory (about 0.3% of them
concerning, with some evasion), scans the file end to end as ``esafety monitor scan`` does (read, normalise,
match, apply context rules, build hits), then times GNU grep over the same file with as many fixed-string
patterns as the lexicon has phrases. Then the same for each hostile input class (number-heavy text, long runs
of one character, mixed scripts, 1 MB single lines). Prints MB/s for the scanner and grep on each, the ratio,
and each class's speed as a share of prose.

``--synthetic`` adds a generated lexicon the size the shipped one is growing to (a few thousand vocabulary
terms, a few dozen slot grammars, their words partly everyday words so the pre-filter is tested), on top of
the shipped lexicon.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from esafety.monitoring.scanner import Scanner, load_lexicon, shipped_lexicon
from esafety.monitoring.scanner.evaluation import build

_CHAT = [
    "lol",
    "omg",
    "haha",
    "tbh",
    "ngl",
    "fr",
    "!!",
    "??",
    "😂",
    "😭",
    "❤️",
    "👍",
    "xx",
    "idk",
    "btw",
    "pls",
]
_BATCH = 2000


def generate(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write about ``megabytes`` MB of messages, one per line; returns the number of lines."""
    rnd = random.Random(seed)
    concerning = [t for texts in build.CONCERNING.values() for t in texts]
    evasions = [t for texts in build.EVASIONS.values() for t in texts]
    hard = build.HARD_NEGATIVES
    fields = {
        "name": build.NAMES,
        "subject": build.SUBJECTS,
        "day": build.DAYS,
        "thing": build.THINGS,
        "place": build.PLACES,
        "activity": build.ACTIVITIES,
        "feeling": build.FEELINGS,
        "food": build.FOODS,
        "show": build.SHOWS,
    }
    target = int(megabytes * 1_000_000)
    size = lines = 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            roll = rnd.random()
            if roll < 0.002:
                text = rnd.choice(concerning)
            elif roll < 0.003:
                text = rnd.choice(evasions)
            elif roll < 0.05:
                text = rnd.choice(hard)
            else:
                parts = []
                for _ in range(rnd.choice((1, 1, 2, 2, 3))):
                    parts.append(
                        rnd.choice(build.TEMPLATES).format(**{k: rnd.choice(v) for k, v in fields.items()})
                    )
                text = " ".join(parts)
            if rnd.random() < 0.3:
                text = f"{text} {rnd.choice(_CHAT)}"
            if rnd.random() < 0.1:
                text = text.capitalize()
            line = text.replace("\n", " ") + "\n"
            out.write(line)
            size += len(line.encode())
            lines += 1
    return lines


_SCRIPTS = [
    "привет как дела",  # Russian
    "γεια σου τι κάνεις",  # Greek
    "مرحبا كيف حالك",  # Arabic
    "آپ کیسے ہیں",  # Urdu
    "ਤੁਸੀਂ ਕਿਵੇਂ ਹੋ",  # Punjabi (Gurmukhi)
    "你好吗 我很好",  # Chinese
    "こんにちは元気ですか",  # Japanese
    "cześć, jak się masz? zażółć gęślą jaźń",  # Polish
    "bună ce faci",  # Romanian
    "नमस्ते आप कैसे हैं",  # Hindi
    "ｆｕｌｌ ｗｉｄｔｈ",
    "𝐦𝐚𝐭𝐡 𝐛𝐨𝐥𝐝",
    "😂😂 🙏🏽 ❤️‍🔥 👨‍👩‍👧",
]


def _numbers(rnd: random.Random) -> str:
    parts = []
    for _ in range(rnd.randint(8, 30)):
        roll = rnd.random()
        if roll < 0.25:
            parts.append(f"{rnd.randint(0, 99999):05d}")
        elif roll < 0.45:
            parts.append(f"{rnd.randint(0, 999)}.{rnd.randint(0, 99):02d}")
        elif roll < 0.6:
            parts.append(" ".join(str(rnd.randint(0, 9)) for _ in range(rnd.randint(3, 8))))
        elif roll < 0.7:
            parts.append(f"{rnd.randint(1, 28)}/{rnd.randint(1, 12)}/{rnd.randint(2020, 2027)}")
        elif roll < 0.8:
            parts.append(f"{rnd.randint(1, 99)}{rnd.choice('abcdefghijklmnopqrstuvwxyz')}{rnd.randint(0, 9)}")
        else:
            parts.append(rnd.choice(["ref", "total", "room", "score", "x", "=", "+", "%", "£", "07700"]))
    return " ".join(parts)


def _runs(rnd: random.Random) -> str:
    char = rnd.choice(["a", "o", "e", "l", "x", "!", ".", "?", "-", "_", " ", "😂", "0", "1", "@", "$", "h"])
    length = rnd.randint(20, 2000)
    if rnd.random() < 0.5:
        return char * length
    return f"{rnd.choice(['lo', 'no', 'ye', 'omg', 'wh'])}{char * length} {rnd.choice(['ok', 'bye', 'why'])}"


def _mixed(rnd: random.Random) -> str:
    return " ".join(rnd.choice(_SCRIPTS) for _ in range(rnd.randint(2, 6)))


def _write_class(path: Path, megabytes: float, make: object, rnd: random.Random) -> None:
    target = int(megabytes * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            line = make(rnd).replace("\n", " ") + "\n"  # type: ignore[operator]
            out.write(line)
            size += len(line.encode())


def generate_classes(folder: Path, prose: Path, megabytes: float, seed: int = 11) -> dict[str, Path]:
    """The hostile input classes, about ``megabytes`` MB each (the single-line class: whole 1 MB lines of the
    prose file)."""
    rnd = random.Random(seed)
    out = {}
    for name, make in (("numbers", _numbers), ("runs", _runs), ("mixed scripts", _mixed)):
        path = folder / f"{name.replace(' ', '_')}.txt"
        _write_class(path, megabytes, make, rnd)
        out[name] = path
    path = folder / "single_lines.txt"
    with prose.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as sink:
        for _ in range(max(1, round(megabytes))):
            line: list[str] = []
            size = 0
            while size < 1_000_000:
                text = source.readline().rstrip("\n")
                line.append(text)
                size += len(text.encode()) + 1
            sink.write(" ".join(line) + "\n")
    out["1 MB lines"] = path
    return out


_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "ka",
    "ke",
    "ki",
    "ko",
    "ku",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
    "za",
    "ze",
    "zi",
    "zo",
    "sh",
    "ch",
    "th",
    "ph",
    "gr",
    "tr",
    "br",
    "pl",
    "st",
]
_EVERYDAY = [
    "send",
    "show",
    "give",
    "get",
    "pic",
    "pics",
    "photo",
    "video",
    "snap",
    "call",
    "meet",
    "see",
    "come",
    "go",
    "out",
    "tonight",
    "after",
    "school",
    "home",
    "alone",
    "secret",
    "tell",
    "mum",
    "dad",
    "parents",
    "money",
    "buy",
    "gift",
    "car",
    "lift",
    "friend",
    "mate",
    "she",
    "he",
    "they",
    "them",
    "girl",
    "boy",
    "class",
    "year",
    "group",
    "chat",
    "everyone",
    "nobody",
    "hate",
    "ugly",
    "fat",
    "loser",
    "kill",
    "hurt",
    "cut",
    "die",
    "pills",
    "knife",
    "gun",
    "weed",
    "vape",
    "drink",
    "party",
]


def _pseudo_word(rnd: random.Random) -> str:
    # Three syllables or more: two make everyday words too often ("so" + "me", "ti" + "me", "na" + "me").
    return "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(3, 4)))


def synthetic_lexicon(folder: Path, terms: int = 3600, grammars: int = 40, seed: int = 5) -> Path:
    """Write vocabularies of about ``terms`` terms in all and a category file with ``grammars`` grammars and
    20 entries over them; returns the category file (the vocabularies sit beside it).

    Like the real vocabularies, some slot vocabularies hold many everyday words ("send", "pic", "she": a slot
    term alone alerts on nothing), while the entries' vocabularies hold only distinctive terms (made-up words,
    alone or beside an everyday word, some with "*", some with Polish letters)."""
    rnd = random.Random(seed)
    per = terms // 60

    def write(name: str, words: list[str]) -> None:
        body = "\n".join(dict.fromkeys(words))
        (folder / f"{name}.txt").write_text(
            f"# Synthetic vocabulary for the benchmark\n# Source: generated\n# Reviewed: bench\n{body}\n",
            encoding="utf-8",
        )

    # Half the slot vocabularies are everyday-heavy (a third everyday words, as a list of request verbs or
    # pronouns is); the other half distinctive (as a list of body parts or drug names is). Every grammar has
    # one distinctive slot, as a real one needs to be worth an alert.
    everyday = [f"synthetic_everyday_{k}" for k in range(20)]
    for name in everyday:
        write(name, [rnd.choice(_EVERYDAY) if rnd.random() < 0.33 else _pseudo_word(rnd) for _ in range(per)])
    distinctive = [f"synthetic_slot_{k}" for k in range(20)]
    for name in distinctive:
        write(name, [_pseudo_word(rnd) for _ in range(per)])
    phrases = [f"synthetic_phrases_{k}" for k in range(20)]
    for name in phrases:
        words = []
        for _ in range(per):
            word, roll = _pseudo_word(rnd), rnd.random()
            if roll < 0.2:
                word += " " + rnd.choice(_EVERYDAY)
            elif roll < 0.3:
                word += "*"
            elif roll < 0.35:
                word = word.replace("a", "ą").replace("e", "ę")
            words.append(word)
        write(name, words)
    lines = ['category = "grooming"', ""]
    for k in range(grammars):
        chosen = [rnd.choice(distinctive), *rnd.sample(everyday, rnd.choice((1, 1, 2)))]
        refs = [f'"@{s}"' for s in chosen]
        if rnd.random() < 0.5:
            refs[1] = '"@third_person"' if rnd.random() < 0.5 else '"@second_person"'
        rnd.shuffle(refs)
        lines += [
            "[[grammar]]",
            f'id = "synthetic_grammar_{k}"',
            "severity = 3",
            "slots = [" + ", ".join(refs) + "]",
            f"window = {rnd.choice((5, 8, 12))}",
            f"ordered = {'true' if rnd.random() < 0.3 else 'false'}",
            "",
        ]
    for k, name in enumerate(phrases):
        lines += ["[[entry]]", f'id = "synthetic_entry_{k}"', "severity = 2", f'phrases = ["@{name}"]', ""]
    path = folder / "synthetic.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def scan_file(scanner: Scanner, path: Path) -> tuple[int, int]:
    """Scan every line as the CLI does; returns (messages with alerts, alerts)."""
    flagged = alerts = 0
    with path.open(encoding="utf-8") as handle:
        batch: list[str] = []
        for line in handle:
            batch.append(line.rstrip("\n"))
            if len(batch) >= _BATCH:
                for hits in scanner.scan_many(batch):
                    flagged += bool(hits)
                    alerts += len(hits)
                batch = []
        for hits in scanner.scan_many(batch):
            flagged += bool(hits)
            alerts += len(hits)
    return flagged, alerts


def _grep(grep: str, patterns: Path, path: Path) -> tuple[float, str]:
    env = dict(os.environ, LC_ALL=os.environ.get("LC_ALL", "C.UTF-8"))
    started = time.perf_counter()
    done = subprocess.run(
        [grep, "-F", "-i", "-c", "-f", str(patterns), str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return time.perf_counter() - started, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes of prose to generate (default 50)")
    parser.add_argument(
        "--class-mb", type=float, default=2.0, help="megabytes of each hostile input class (default 2)"
    )
    parser.add_argument("--backend", default=None, help="hyperscan or ahocorasick (default: fastest)")
    parser.add_argument(
        "--synthetic", action="store_true", help="add a generated lexicon of ~3,000 terms and 40 grammars"
    )
    args = parser.parse_args()
    grep = shutil.which("grep")
    with tempfile.TemporaryDirectory(prefix="esafety-bench-") as tmp:
        text_path = Path(tmp) / "messages.txt"
        started = time.perf_counter()
        lines = generate(text_path, args.mb)
        megabytes = text_path.stat().st_size / 1_000_000
        print(f"generated {megabytes:.1f} MB, {lines:,} messages in {time.perf_counter() - started:.1f} s")
        classes = generate_classes(Path(tmp), text_path, args.class_mb)

        if args.synthetic:
            extra = Path(tmp) / "lexicon"
            extra.mkdir()
            toml = synthetic_lexicon(extra)
            lexicon = load_lexicon([toml], vocabularies=sorted(extra.glob("*.txt")))
        else:
            lexicon = shipped_lexicon()
        terms = sum(len(e.phrases) for e in lexicon.entries)
        slot_terms = sum(len(s) for g in lexicon.grammars for s in g.slots)
        print(
            f"lexicon: {len(lexicon.entries)} entries ({terms:,} phrases), {len(lexicon.grammars)} grammars "
            f"({slot_terms:,} slot terms), {len(lexicon.vocabularies)} vocabularies"
        )
        started = time.perf_counter()
        scanner = Scanner(lexicon, backend=args.backend)
        print(f"built the {scanner.backend} matcher in {time.perf_counter() - started:.2f} s")

        phrases = sorted(
            {p.strip("*").lower() for e in lexicon.entries for p in e.phrases}
            | {p.strip("*").lower() for g in lexicon.grammars for slot in g.slots for p in slot}
        )
        patterns_path = Path(tmp) / "patterns.txt"
        patterns_path.write_text("\n".join(phrases) + "\n", encoding="utf-8")
        print(
            f"grep: {grep or 'not found'} -F -i -c -f ({len(phrases):,} patterns), LC_ALL=C.UTF-8 unless set"
        )
        print()
        print(
            f"{'input':<15}{'MB':>6}{'scanner MB/s':>14}{'grep MB/s':>11}{'x grep':>8}{'x prose':>9}  flagged"
        )
        prose_rate = 0.0
        for name, path in [("prose", text_path), *classes.items()]:
            size = path.stat().st_size / 1_000_000
            started = time.perf_counter()
            flagged, alerts = scan_file(scanner, path)
            rate = size / (time.perf_counter() - started)
            prose_rate = prose_rate or rate
            grep_rate = size / _grep(grep, patterns_path, path)[0] if grep else float("nan")
            print(
                f"{name:<15}{size:>6.1f}{rate:>14.1f}{grep_rate:>11.1f}{rate / grep_rate:>8.2f}"
                f"{rate / prose_rate:>9.2f}  {flagged:,} ({alerts:,} alerts)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
