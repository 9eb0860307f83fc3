"""District benchmark: the sequential audit of a city's communities against ``gridcare audit --all``, in one run.

    python bench/district_bench.py [--communities 100] [--workers 2] [--rounds 3] [--dask] [--no-cli]

Imports the generated city of `bench/analysis_bench.py` (``bench-<name>``
communities; the missing ones in a child process), then times, one after the
other on the same database:

- **sequential**: today's loop of ``analysis_bench.py --city`` in this
  process: for each community the export (`graph.export.community_graph`, now
  one round trip), `analysis.audit` and its text and JSON output;
- **district**: `api.district.audit_all` — what ``gridcare audit --all`` runs —
  on ``--workers`` local processes (the pool's start-up included), the summary
  rows printed as JSON; the workers' own export, analysis and output seconds
  give the shares, and their peak resident memory (the largest each worker
  reached, summed over the workers) is reported beside this process's; then
  once with ``--full`` (each community's JSON form and text report too, the
  loop's output work);
- **cli**: the real ``gridcare audit --all --format json`` in a new process
  (start-up, listing, the pool, printing), its peak memory being the largest
  of its processes' (``RUSAGE_CHILDREN``);
- **dask** (``--dask``): the same tasks on a local Dask cluster of ``--workers``
  single-threaded worker processes (``--scheduler`` of the CLI), the cluster's
  start-up left out.

The sequential loop and the district run alternately ``--rounds`` times (the
machine's load weighs on both alike); the round of the median ratio is
reported. Reported: each time, the ratio district / sequential (target ≤ 0.6),
the shares, the memory (target < 4 GB over all workers); the CLI and Dask runs
once, against the median round's sequential time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import audit, format_audit  # noqa: E402
from analysis.domain import today  # noqa: E402
from api.district import AuditOptions, audit_all  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from bench.analysis_bench import PREFIX, _city_names, existing  # noqa: E402
from graph.export import community_graph  # noqa: E402

GB = 1024**3


def ensure_city(store, count: int) -> list[str]:
    names = [PREFIX + n for n in _city_names(count)]
    missing = [n for n in names if n not in existing(store)]
    if missing:
        started = time.perf_counter()
        bench = Path(__file__).with_name("analysis_bench.py")
        subprocess.run([sys.executable, str(bench), "--import-city", str(count)], check=True)
        print(f"imported {len(missing)} communities in {time.perf_counter() - started:.0f} s")
    return names


def sequential(store, names: list[str], day) -> tuple[float, dict[str, float], int]:
    parts = {"export": 0.0, "analysis": 0.0, "output": 0.0}
    residents = 0
    started = time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        G = community_graph(store, name, as_of=day)
        t1 = time.perf_counter()
        a = audit(G, as_of=day)
        t2 = time.perf_counter()
        format_audit(a), json.dumps(a.to_dict(), ensure_ascii=False, indent=2)
        t3 = time.perf_counter()
        for key, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
            parts[key] += seconds
        residents += a.totals["residents"]
        del G, a
    return time.perf_counter() - started, parts, residents


def district(names: list[str], day, workers: int, scheduler: str | None = None, full: bool = False):
    options = AuditOptions(day, full=full, text=full)
    parts: dict[str, float] = defaultdict(float)
    peaks: dict[int, int] = {}
    failed, first = 0, None
    started = time.perf_counter()
    for answer in audit_all(names, options, workers=workers, scheduler=scheduler):
        if first is None:  # the start-up: the first answer's wait less its task's own time
            first = time.perf_counter() - started - sum(answer.seconds.values())
        json.dumps(answer.audit or answer.summary, ensure_ascii=False, indent=2)  # what the CLI prints for each
        failed += answer.error is not None
        for key, seconds in answer.seconds.items():
            parts[key] += seconds
        peaks[answer.worker] = max(peaks.get(answer.worker, 0), answer.peak_rss)
    parts["start-up"] = first or 0.0
    return time.perf_counter() - started, dict(parts), peaks, failed


def cli(day, workers: int) -> float:
    args = [sys.executable, "-m", "api", "audit", "--all", "--format", "json", "--as-of", day.isoformat()]
    started = time.perf_counter()
    subprocess.run([*args, "--workers", str(workers)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def shares(parts: dict[str, float]) -> str:
    total = sum(parts.values())
    return ", ".join(f"{k} {v / total:.0%} ({v:.1f} s)" for k, v in parts.items())


def report_district(label: str, seconds: float, base: float, parts, peaks, failed: int) -> None:
    print(f"{label}: {seconds:.1f} s, ratio to sequential {seconds / base:.2f} (target <= 0.6); {failed} failed")
    startup = parts.pop("start-up")
    print(f"  pool start-up {startup:.1f} s; the workers opened their stores in {parts['store']:.1f} s")
    print(f"  shares of the workers' time: {shares(parts)}")
    print(
        f"  peak memory of the {len(peaks)} workers: {sum(peaks.values()) / GB:.2f} GB in all "
        f"(largest {max(peaks.values()) / GB:.2f} GB; target < 4 GB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="sequential and district alternately, N times each")
    parser.add_argument("--dask", action="store_true", help="also on a local Dask cluster")
    parser.add_argument("--no-cli", action="store_true", help="leave out the real CLI in a new process")
    args = parser.parse_args()
    store = open_store(get_settings(), say=print)
    day = today()
    with store.driver:
        names = ensure_city(store, args.communities)
        rounds = []
        for _ in range(args.rounds):  # alternately, so that the machine's load weighs on both alike
            seq = sequential(store, names, day)
            rounds.append((seq, district(names, day, args.workers)))
            print(f"  round: sequential {seq[0]:.1f} s, district {rounds[-1][1][0]:.1f} s", flush=True)
    rounds.sort(key=lambda r: r[1][0] / r[0][0])
    (base, parts, residents), (seconds, d_parts, peaks, failed) = rounds[len(rounds) // 2]  # the median ratio
    print(f"city: {len(names)} communities, {residents} residents; {args.workers} workers; median of {len(rounds)}")
    print(f"sequential: {base:.1f} s ({base / len(names):.2f} s a community); shares {shares(parts)}")
    print(f"  peak memory of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GB")
    report_district("district (audit_all)", seconds, base, d_parts, peaks, failed)
    print("  ratios of the rounds: " + ", ".join(f"{d[0] / s[0]:.2f}" for s, d in rounds))
    seconds, d_parts, peaks, failed = district(names, day, args.workers, full=True)
    report_district("district --full (every audit's JSON and report too)", seconds, base, d_parts, peaks, failed)
    if not args.no_cli:
        seconds = cli(day, args.workers)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
        print(f"gridcare audit --all --format json, new process: {seconds:.1f} s, ratio {seconds / base:.2f}")
        print(f"  largest process of the CLI (and of the import, if run) {peak:.2f} GB")
    if args.dask:
        from distributed import LocalCluster

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None) as cluster:
            seconds, parts, peaks, failed = district(names, day, args.workers, cluster.scheduler_address)
            report_district("dask (local cluster, --scheduler)", seconds, base, parts, peaks, failed)


if __name__ == "__main__":
    main()
