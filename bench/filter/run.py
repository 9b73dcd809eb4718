"""Benchmark: esafety's filter helper against Debian's squidGuard on the same lists and the same request stream.

Not a test (timings never belong in tests). Run from the repository root:

    python bench/filter/run.py [--lines 200000] [--ut1 ../shared/data/ut1] [--workdir DIR]

Lists: UT1 blacklists, Université Toulouse Capitole (https://dsi.ut-capitole.fr/blacklists/), CC BY-SA 4.0,
via the offline subset in ../shared/data/ut1 (see its README for the exact snapshot).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ATTRIBUTION = (
    "Lists: UT1 blacklists, Université Toulouse Capitole (https://dsi.ut-capitole.fr/blacklists/), "
    "CC BY-SA 4.0; offline subset from ../shared/data/ut1 (see its README)."
)
# A pupils' policy as a school would write it: every UT1 category meant for blocking that this subset has
# (sexual_education is a "white" list, arjel licensed gambling operators, dynamic-dns infrastructure).
CATEGORIES = [
    "adult",
    "agressif",
    "chat",
    "cryptojacking",
    "dangerous_material",
    "dating",
    "ddos",
    "doh",
    "drogue",
    "gambling",
    "games",
    "hacking",
    "lingerie",
    "malware",
    "mixed_adult",
    "phishing",
    "redirector",
    "remote-control",
    "residential-proxies",
    "shortener",
    "social_networks",
    "stalkerware",
    "tricheur",
    "vpn",
    "warez",
]
# Published policies carry the school's illegal-content categories in always_block (blocked before any
# allow list); UT1 has no such list, so one of the blocked categories stands in: the verdicts stay the same,
# and the helper pays what a published policy costs (malware has an expression, which then runs on every line).
ALWAYS_BLOCK = ["malware"]
BLOCK_PAGE = "http://esafety.school.example/filtering/blocked/"
WORDS = [
    "maths",
    "science",
    "history",
    "geography",
    "english",
    "french",
    "art",
    "music",
    "sport",
    "news",
    "weather",
    "maps",
    "login",
    "search",
]


def read_lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", errors="replace") as fh:
        return [s for s in (line.strip() for line in fh) if s and not s.startswith("#")]


def prepare_lists(ut1: Path, work: Path) -> Path:
    lists = work / "lists"
    if lists.exists():
        shutil.rmtree(lists)
    for category in CATEGORIES:
        src = ut1 / category
        dst = lists / category
        dst.mkdir(parents=True)
        for name in ("domains", "urls", "expressions"):
            if (src / name).is_file() and (src / name).stat().st_size:
                shutil.copyfile(src / name, dst / name)
    return lists


def build_stream(lists: Path, n: int, seed: int = 2024, *, uniform: bool = False) -> list[str]:
    """Squid url_rewrite lines: 'URL ip/fqdn user method myip=... myport=...'.

    Hosts are drawn with a skewed (Zipf-like) popularity, as in real proxy traffic, where one page view makes
    many requests to the same few hosts; paths and queries vary on every line. With ``uniform`` the same mix of
    lines draws its hosts uniformly and gives unlisted hosts a name of their own each, so that almost every line
    names a host not seen before (a scan, a crawler, a pupil clicking through link farms) and no per-host cache
    can help.
    """
    rng = random.Random(seed)
    domains: list[str] = []
    urls: list[str] = []
    for category in sorted(os.listdir(lists)):
        domains += read_lines(lists / category / "domains")
        urls += read_lines(lists / category / "urls")
    named = [d for d in domains if not d[-1].isdigit()]
    ips = [d for d in domains if d[-1].isdigit() and d.count(".") == 3]
    rng.shuffle(named)
    clean = [
        f"{rng.choice(WORDS)}{i}.{rng.choice(['example.org', 'school.example', 'ac.uk', 'com'])}"
        for i in range(20000)
    ]

    def zipf(seq: list[str]) -> str:
        if uniform:
            if seq is clean:  # a fresh unlisted host on every line
                return (
                    f"{rng.choice(WORDS)}{rng.randrange(10**9)}.{rng.choice(['example.org', 'ac.uk', 'com'])}"
                )
            return rng.choice(seq)
        # Index ~ Pareto: a few hosts take most requests, the long tail still gets requests.
        i = int(rng.paretovariate(0.6)) - 1
        return seq[i % len(seq)]

    def path() -> str:
        segs = "/".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        q = f"?id={rng.randint(1, 10**6)}&utm_source={rng.choice(WORDS)}" if rng.random() < 0.5 else ""
        return f"/{segs}{q}"

    lines = []
    for i in range(n):
        r = rng.random()
        method = "GET"
        if r < 0.30:
            url = f"http://{rng.choice(['', 'www.'])}{zipf(named)}{path()}"
        elif r < 0.62:
            url = f"http://{zipf(clean)}{path()}"
        elif r < 0.70:
            url = "http://" + zipf(urls)
        elif r < 0.85:
            url, method = f"{zipf(named if rng.random() < 0.4 else clean)}:443", "CONNECT"
        elif r < 0.95:
            ip = zipf(ips)
            a, b, c, d = (int(x) for x in ip.split("."))
            value = (a << 24) | (b << 16) | (c << 8) | d
            form = rng.choice([ip, str(value), hex(value), f"0{a:o}.{b}.{c}.{d}", f"[::ffff:{ip}]"])
            url = f"http://{form}/{rng.choice(WORDS)}"
        elif r < 0.99:
            url = f"http://{zipf(clean)}/{rng.choice(WORDS)}.js?v={rng.randint(1, 99)}"
        else:
            # Long lines: tracking-laden queries of 1 to 11 KB (squidGuard desynchronises over ~12 KB, so the
            # longest are kept under that to compare like with like).
            long_q = "&".join(f"p{j}={rng.choice(WORDS) * 8}" for j in range(rng.randint(10, 120)))
            url = f"http://{zipf(named if rng.random() < 0.5 else clean)}/track?{long_q}"[:11000]
        lines.append(f"{url} 10.1.{i % 7}.{i % 250 + 1}/- - {method} myip=10.1.0.1 myport=3128\n")
    return lines


def squidguard_conf(lists: Path, work: Path, name: str) -> Path:
    logdir = work / "sglog"
    logdir.mkdir(exist_ok=True)
    parts = [f"dbhome {lists}", f"logdir {logdir}", ""]
    for category in CATEGORIES:
        parts.append(f"dest {category} {{")
        for key, file in (("domainlist", "domains"), ("urllist", "urls"), ("expressionlist", "expressions")):
            if (lists / category / file).is_file():
                parts.append(f"    {key} {category}/{file}")
        parts.append("}")
    parts += [
        "acl {",
        "    default {",
        "        pass " + " ".join(f"!{c}" for c in CATEGORIES) + " all",
        f"        redirect {BLOCK_PAGE}?category=%t&url=%u",
        "    }",
        "}",
    ]
    conf = work / name
    conf.write_text("\n".join(parts) + "\n")
    return conf


def run_timed(
    cmd: list[str], stdin_path: Path, stdout_path: Path, env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, VmHWM) of one child process fed ``stdin_path``."""
    peak = 0

    def watch(pid: int) -> None:
        # VmHWM is read while the child runs: rusage's maxrss would include the parent's memory at fork time.
        nonlocal peak
        while True:
            try:
                with open(f"/proc/{pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except (OSError, ValueError):
                return
            time.sleep(0.02)

    with open(stdin_path, "rb") as fin, open(stdout_path, "wb") as fout:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.DEVNULL, env=env)
        watcher = threading.Thread(target=watch, args=(proc.pid,), daemon=True)
        watcher.start()
        proc.wait()
        elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed with status {proc.returncode}")
    return elapsed, peak


def smaps(pid: int) -> dict[str, int]:
    out = {}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    return out


def resident_helpers(
    cmd: list[str], sample: list[str], count: int, env: dict[str, str] | None = None
) -> list[dict[str, int]]:
    """Start ``count`` helpers at once (as Squid does), warm each with ``sample``, and read their memory."""
    procs = [
        subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        for _ in range(count)
    ]
    data = "".join(sample).encode()

    def feed(proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdin is not None
        proc.stdin.write(data)
        proc.stdin.flush()

    try:
        for proc in procs:
            # Written from a thread: the replies must be read while the requests are still being written.
            writer = threading.Thread(target=feed, args=(proc,))
            writer.start()
            assert proc.stdout is not None
            for _ in sample:
                if not proc.stdout.readline():
                    raise SystemExit("helper exited early")
            writer.join()
        return [smaps(p.pid) for p in procs]
    finally:
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()


def verdicts(path: Path) -> list[bool]:
    """True for "blocked" per reply line (ours: OK status=302; squidGuard: OK rewrite-url/url=)."""
    with open(path, "rb") as fh:
        return [line.startswith(b"OK") for line in fh]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--ut1", type=Path, default=ROOT.parent / "shared" / "data" / "ut1")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--helpers", type=int, default=4, help="helper processes started for the memory figure")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per stream and program (medians shown)")
    args = ap.parse_args()
    squidguard = shutil.which("squidGuard") or "/usr/bin/squidGuard"
    work = args.workdir or Path(tempfile.mkdtemp(prefix="esafety-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(ATTRIBUTION)
    print(f"work dir: {work}")

    lists = prepare_lists(args.ut1, work)
    policy = work / "policy.toml"
    policy.write_text(
        f'lists = "lists"\nblock_page = "{BLOCK_PAGE}"\ncache_dir = "cache"\ndefault_group = "pupils"\n'
        f"always_block = {ALWAYS_BLOCK!r}\n\n"
        f"[groups.pupils]\nblock = {CATEGORIES!r}\n".replace("'", '"')
    )
    streams = {
        "skewed": build_stream(lists, args.lines),
        "uniform": build_stream(lists, args.lines, uniform=True),
    }
    for name, lines in streams.items():
        (work / f"stream-{name}.txt").write_text("".join(lines), encoding="utf-8", errors="surrogateescape")
    stream = streams["skewed"]
    stream_path = work / "stream-skewed.txt"
    n = len(stream)
    entries = sum(len(read_lines(lists / c / f)) for c in CATEGORIES for f in ("domains", "urls"))
    print(
        f"lists: {len(CATEGORIES)} categories, {entries:,} domain and URL entries; two streams of {n:,} lines: "
        f"skewed ({stream_path.stat().st_size / 1e6:.1f} MB, hosts Pareto-distributed) and uniform (almost every "
        "line a host not seen before)"
    )

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # An installed esafety has its bytecode compiled (pip does it); so does this run, into the work dir, even
    # where PYTHONDONTWRITEBYTECODE is set, so that start-up is measured as a deployment pays it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    ours = [args.python, "-c", "import sys; from esafety.cli import main; sys.exit(main())"]
    helper = [*ours, "filter", "helper", "--policy", str(policy), "--group", "pupils"]

    # Lists compiled from text into the shared cache: what the first helper pays after a list update.
    shutil.rmtree(work / "cache", ignore_errors=True)
    one = work / "one.txt"
    one.write_text(stream[0])
    cold, _ = run_timed(helper, one, work / "cold.out", env)
    warm, _ = run_timed(helper, one, work / "warm.out", env)

    # squidGuard with Berkeley DB files built beforehand (squidGuard -C all), its fastest configuration.
    sg_db_lists = work / "sglists"
    shutil.rmtree(sg_db_lists, ignore_errors=True)
    shutil.copytree(lists, sg_db_lists)
    sg_conf_db = squidguard_conf(sg_db_lists, work, "squidGuard-db.conf")
    t0 = time.perf_counter()
    subprocess.run(
        [squidguard, "-c", str(sg_conf_db), "-C", "all"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sg_build = time.perf_counter() - t0
    sg_conf_text = squidguard_conf(lists, work, "squidGuard-text.conf")
    sg_empty_db, _ = run_timed([squidguard, "-c", str(sg_conf_db)], one, work / "sg-one.out")
    sg_empty_text, _ = run_timed([squidguard, "-c", str(sg_conf_text)], one, work / "sg-one-text.out")

    # The measured runs, one after the other on the same stream, for each stream.
    results = {}
    ratios: dict[str, list[float]] = {}
    load_before = os.getloadavg()
    for name in streams:
        path = work / f"stream-{name}.txt"
        # --repeat N: our helper and squidGuard (.db) take turns N times; the medians are reported (on a
        # shared machine one run's figures swing with the load).
        ours_runs, sg_runs = [], []
        for _ in range(args.repeat):
            ours_runs.append(run_timed(helper, path, work / f"ours-{name}.out", env))
            sg_runs.append(run_timed([squidguard, "-c", str(sg_conf_db)], path, work / f"sg-db-{name}.out"))
        our_time, our_rss = statistics.median(t for t, _ in ours_runs), max(r for _, r in ours_runs)
        sg_time, sg_rss = statistics.median(t for t, _ in sg_runs), max(r for _, r in sg_runs)
        ratios[name] = sorted(sg / ours for (ours, _), (sg, _) in zip(ours_runs, sg_runs, strict=True))
        sgt_time, sgt_rss = run_timed(
            [squidguard, "-c", str(sg_conf_text)], path, work / f"sg-text-{name}.out"
        )
        ours_v, sg_v = verdicts(work / f"ours-{name}.out"), verdicts(work / f"sg-db-{name}.out")
        if len(ours_v) != n:
            raise SystemExit(f"our helper answered {len(ours_v)} of {n} lines of the {name} stream")
        only_ours = sum(1 for a, b in zip(ours_v, sg_v, strict=False) if a and not b)
        only_sg = sum(1 for a, b in zip(ours_v, sg_v, strict=False) if b and not a)
        results[name] = (our_time, our_rss, sg_time, sg_rss, sgt_time, sgt_rss, only_ours, only_sg)

    sample = stream[:2000]
    mem = resident_helpers(helper, sample, args.helpers, env)
    sg_mem = resident_helpers([squidguard, "-c", str(sg_conf_db)], sample, 1)[0]
    private = [m.get("Private_Clean", 0) + m.get("Private_Dirty", 0) for m in mem]
    extra = sum(private[1:]) / max(1, len(private) - 1)

    def rate(seconds: float) -> str:
        return f"{n / seconds:>9,.0f} lines/s ({seconds:.2f} s)"

    print()
    load_after = os.getloadavg()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    print(
        f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}; load average "
        f"{load_before[0]:.1f} before the timed runs, {load_after[0]:.1f} after; {args.repeat} run(s) each"
    )
    print("list loading")
    print(
        f"  esafety: compile text lists into the shared cache (cold): {cold:.2f} s; start with cache: {warm:.2f} s"
    )
    print(
        f"  squidGuard: build .db (-C all): {sg_build:.2f} s; start with .db: {sg_empty_db:.2f} s; "
        f"start with plain-text lists: {sg_empty_text:.2f} s"
    )
    for name, (our_time, our_rss, sg_time, sg_rss, sgt_time, sgt_rss, _, _) in results.items():
        print(f"throughput on the {name} stream, start-up and list loading included (one process each)")
        print(f"  esafety helper (warm cache)      {rate(our_time)}  peak RSS {our_rss / 1024:.1f} MB")
        print(f"  squidGuard 1.6 (prebuilt .db)    {rate(sg_time)}  peak RSS {sg_rss / 1024:.1f} MB")
        print(f"  squidGuard 1.6 (plain-text lists){rate(sgt_time)}  peak RSS {sgt_rss / 1024:.1f} MB")
        each = ", ".join(f"{r:.1f}x" for r in ratios[name])
        print(
            f"  ratio esafety / squidGuard: {statistics.median(ratios[name]):.1f}x (.db; median of the runs, "
            f"each run {each}), {sgt_time / our_time:.1f}x (plain text)"
        )
    print("memory with several helpers running (from /proc/PID/smaps_rollup)")
    for i, m in enumerate(mem):
        print(
            f"  esafety helper {i + 1}: RSS {m['Rss'] / 1024:.1f} MB, private {private[i] / 1024:.1f} MB, "
            f"shared {(m.get('Shared_Clean', 0) + m.get('Shared_Dirty', 0)) / 1024:.1f} MB"
        )
    print(f"  private memory per extra esafety helper: {extra / 1024:.1f} MB")
    print(
        f"  squidGuard (.db) whole footprint: RSS {sg_mem['Rss'] / 1024:.1f} MB "
        f"(x10 = {sg_mem['Rss'] * 10 / 1024:.0f} MB)"
    )
    print("agreement with squidGuard (.db)")
    for name, (*_, only_ours, only_sg) in results.items():
        print(
            f"  {name} stream: blocked by esafety only: {only_ours:,}; by squidGuard only: {only_sg:,} "
            "(esafety only: IPv4 in decimal/hex/octal or IPv4-mapped IPv6 forms, which squidGuard lets through)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
