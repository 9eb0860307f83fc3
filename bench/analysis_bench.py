"""Analysis benchmark: export + audit + suggest, and the tiered assignment against the generic one.

    python bench/analysis_bench.py [--rounds 5] [--generic-budget 60] [--only-visits] [--contacts 100000]
    python bench/analysis_bench.py --city [--communities 100] [--drop]

Demo mode imports the generated Changshan Garden as ``bench-长山花园`` if it is
absent (and keeps it), then times, round by round: the export
(`graph.export.community_graph`), `analysis.audit`, `suggest_assignments`
(tiered) and the output (text and JSON of both); medians are reported with the
end-to-end time of each command (export + analysis + output; target < 5 s) and
of the real CLI in a subprocess. In the same run the generic min-cost flow
(``method="generic"``) is timed on the same instance; the full instance takes
far longer than the budget, so both methods are timed on growing subsets (the
first k grids) until the generic's total time passes ``--generic-budget``, and
the ratio generic/tiered (tiered: median of 3) is reported per subset, with the
objectives (covered, solitary covered, cost) compared.

Also in demo mode, the visits: the demo has no visits yet, so a copy of the
exported graph gets ``--contacts`` (10^5) contact days in the year before
today, in memory — each elder's share proportional to their tier's visit
frequency (``none``: as ``general``), most from one of their caregivers (a
``VISITED`` edge) — and the audit (analysis + text and JSON output) is timed, alternately, round by
round: as it was before visits (its ``visits`` block left out), on the graph
without contacts, and with them — the medians and their ratios (target ≤ 1.5 of
the audit before visits) — and `visits_due` for one building leader: the
people they care for, and their building.
``--only-visits`` runs only this part.

City mode generates ``--communities`` communities (named ``bench-<name>``),
imports the missing ones in a child process, then audits each (export +
analysis + text and JSON output), reporting total time (target < 2 min), the
shares of export, analysis and output, this process's peak memory (target
< 8 GB) and Neo4j's memory settings. ``--drop`` deletes the city communities
afterwards (re-running then imports them again, a few minutes).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import audit, format_assignments, format_audit, suggest_assignments  # noqa: E402
from api.importing import write_ledger as import_ledger  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from graph.export import community_graph  # noqa: E402
from graph.reads.stats import list_communities  # noqa: E402
from loaders.demo import generate_ledger, write_ledger  # noqa: E402
from loaders.ledger import read_ledger  # noqa: E402

DEMO = "bench-长山花园"
PREFIX = "bench-"
MEMORY = ("server.memory.heap.max_size", "server.memory.pagecache.size")
SHOW_MEMORY = "SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value"
DROP = "MATCH (n) WHERE n.community IN $names CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def existing(store) -> set[str]:
    return {c["name"] for c in list_communities(store)}


def import_generated(store, communities: int, rename) -> None:
    """Generate ``communities`` communities, rename them, import those not in the store."""
    have = existing(store)
    sheets = generate_ledger(communities=communities, visits=False)  # ~90,000 visits a community: not at city scale
    for rows in sheets.values():
        for row in rows:
            row["社区"] = rename(row["社区"])
    sheets = {name: [r for r in rows if r["社区"] not in have] for name, rows in sheets.items()}
    if not sheets["residents"]:
        return
    with tempfile.TemporaryDirectory() as tmp:
        ledger = read_ledger(write_ledger(sheets, Path(tmp) / "ledger"))
    assert not ledger.errors, ledger.errors[:3]
    print(f"importing {len(ledger.communities)} communities, {len(ledger.residents)} residents …", flush=True)
    import_ledger(store, ledger, get_settings(), progress=True)


def outputs(a, s) -> tuple[float, float]:
    """Seconds to render the audit and the suggestions as text and JSON."""
    _, ta = timed(lambda: (format_audit(a), json.dumps(a.to_dict(), ensure_ascii=False, indent=2)))
    _, ts = timed(lambda: (format_assignments(s), json.dumps(s.to_dict(), ensure_ascii=False, indent=2)))
    return ta, ts


def demo_rounds(store, rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        G, t_export = timed(community_graph, store, DEMO)
        a, t_audit = timed(audit, G)
        s, t_suggest = timed(suggest_assignments, G, method="tiered")
        t_out_a, t_out_s = outputs(a, s)
        for k, v in dict(
            export=t_export, audit=t_audit, suggest=t_suggest, audit_output=t_out_a, suggest_output=t_out_s
        ).items():
            times.setdefault(k, []).append(v)
    print(
        f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges; "
        f"{a.totals['uncovered_elders']} uncovered elders, {s.totals['covered']} suggested"
    )
    return {k: statistics.median(v) for k, v in times.items()}


def with_contacts(G, total: int, seed: int = 7):
    """A copy of ``G`` with about ``total`` contact days in the year before today, and their VISITED edges."""
    import random
    from collections import defaultdict
    from datetime import timedelta

    from analysis.domain import CADENCE, CareTier, today
    from analysis.visits import care_tiers

    H, rng, day = G.copy(), random.Random(seed), today()
    node = {d["resident_id"]: n for n, d in H.nodes(data=True) if d.get("kind") == "resident"}
    carers = defaultdict(list)
    for u, v, d in H.edges(data=True):
        if d.get("rel") == "CARES_FOR":
            carers[v].append(u)
    weight = {rid: 1 / CADENCE.get(tier, CADENCE[CareTier.GENERAL]) for rid, tier in care_tiers(H, as_of=day).items()}
    scale, count, last = total / sum(weight.values()), 0, {}
    for rid, w in sorted(weight.items()):
        elder = node[rid]
        days = sorted(day - timedelta(days=rng.randrange(365)) for _ in range(round(w * scale * rng.uniform(0.5, 1.5))))
        H.nodes[elder]["contacts"] = tuple(days)
        count += len(days)
        for d in days:
            if carers[elder] and rng.random() < 0.8:
                key = (rng.choice(carers[elder]), elder)
                last[key] = max(last.get(key, d), d)
    H.add_edges_from((u, v, "VISITED", {"rel": "VISITED", "last": d}) for (u, v), d in last.items())
    return H, count


def visits_rounds(store, rounds: int, contacts: int) -> None:
    """The audit before visits existed, and now without and with ~``contacts`` contact days, alternately;
    `visits_due` for one leader."""
    from unittest import mock

    import analysis.coverage
    from analysis import visits_due

    G = community_graph(store, DEMO)
    H, count = with_contacts(G, contacts)

    def before(graph):  # the audit of today, without its visits block
        with mock.patch.object(analysis.coverage, "find_visit_audit", lambda *args: None):
            return audit(graph)

    runs = (("before", before, G), ("without", audit, G), ("with", audit, H))
    times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    for _ in range(rounds):
        for name, fn, graph in runs:
            a, t_audit = timed(fn, graph)
            _, t_out = timed(lambda a=a: (format_audit(a), json.dumps(a.to_dict(), ensure_ascii=False, indent=2)))
            times[name].append(t_audit + t_out)
    med = {k: statistics.median(v) for k, v in times.items()}
    v = a.visits
    print(
        f"\nvisits: {count} contact days; {sum(v.in_programme.values())} elders in the "
        f"programme ({v.in_programme}); contact rate {v.contact_rate_30d:.1%}, {len(v.overdue)} overdue"
    )
    print(
        f"  audit (analysis + text + JSON), median of {rounds}: before visits {med['before']:.3f} s, "
        f"now without contacts {med['without']:.3f} s, with {med['with']:.3f} s"
    )
    print(
        f"  ratio with contacts / before visits {med['with'] / med['before']:.2f} (target <= 1.5); "
        f"with / without contacts {med['with'] / med['without']:.2f}"
    )
    leader, building = next(
        (H.nodes[u]["resident_id"], H.nodes[b]["number"])
        for u, b, d in H.edges(data=True)
        if d.get("rel") == "LEADS" and H.nodes[b]["kind"] == "building"
    )
    for who in ({"visitor": leader}, {"scope": f"building:{building}"}):
        due, t_due = timed(visits_due, H, **who)
        print(f"  visits_due({who}): {len(due.elders)} elders due in {t_due:.3f} s")


def cli_seconds(command: str, rounds: int) -> float:
    """Median wall time of the real CLI (a new process: imports, store, export, analysis, JSON)."""
    args = [sys.executable, "-m", "api", command, "--community", DEMO, "--format", "json"]
    return statistics.median(timed(subprocess.run, args, check=True, capture_output=True)[1] for _ in range(rounds))


def grid_subset(G, grids: set[str]):
    keep = [
        n
        for n, d in G.nodes(data=True)
        if d["kind"] in ("community", "team")
        or (d["kind"] == "grid" and d["number"] in grids)
        or d.get("grid") in grids
    ]
    return G.subgraph(keep).copy()


def compare_generic(G, budget: float) -> None:
    """Tiered against generic on the first k grids, k = 1, 2, … while the budget lasts."""
    grids = sorted((d["number"] for _, d in G.nodes(data=True) if d["kind"] == "grid"), key=int)
    print(f"\ntiered vs generic min-cost flow, on growing subsets (generic budget {budget:.0f} s):")
    print("  grids  elders  candidates  arcs      tiered s  generic s  generic/tiered  same optimum")
    spent = 0.0
    for k in range(1, len(grids) + 1):
        H = grid_subset(G, set(grids[:k]))
        runs = [timed(suggest_assignments, H, method="tiered") for _ in range(3)]
        tiered, t_tiered = runs[0][0], statistics.median(t for _, t in runs)
        generic, t_generic = timed(suggest_assignments, H, method="generic")
        spent += t_generic
        elders = len(tiered.assignments) + len(tiered.unassigned)
        candidates = len(_candidates(H))
        same = tiered.totals == generic.totals
        print(
            f"  {k:5d}  {elders:6d}  {candidates:10d}  {elders * candidates:8d}  {t_tiered:8.3f}  "
            f"{t_generic:9.2f}  {t_generic / t_tiered:14.0f}  {same}"
        )
        if spent > budget and k < len(grids):
            print(
                f"  stopped after {k} of {len(grids)} grids: the generic has used {spent:.0f} s; the full "
                "instance (all grids) is measured with tiered only"
            )
            break


def _candidates(H):
    from analysis.assignment import find_candidates
    from analysis.model import as_of_date
    from analysis.view import CommunityView

    return find_candidates(CommunityView(H), as_of_date(None), 10)


def run_demo(store, args) -> None:
    if DEMO not in existing(store):
        import_generated(store, 1, lambda _: DEMO)
    if args.only_visits:
        visits_rounds(store, args.rounds, args.contacts)
        return
    med = demo_rounds(store, args.rounds)
    print(f"\ndemo {DEMO}, median of {args.rounds} rounds (in process):")
    for k, v in med.items():
        print(f"  {k:15s} {v:7.3f} s")
    for name, parts in (
        ("audit", ("export", "audit", "audit_output")),
        ("suggest", ("export", "suggest", "suggest_output")),
    ):
        total = sum(med[p] for p in parts)
        shares = ", ".join(f"{p} {med[p] / total:.0%}" for p in parts)
        print(f"  {name} end to end {total:.2f} s (target < 5 s): {shares}")
    for command in ("audit", "suggest"):
        print(f"  gridcare {command} --format json, new process: {cli_seconds(command, args.rounds):.2f} s")
    visits_rounds(store, args.rounds, args.contacts)
    compare_generic(community_graph(store, DEMO), args.generic_budget)


def run_city(store, args) -> None:
    names = [PREFIX + n for n in _city_names(args.communities)]
    missing = [n for n in names if n not in existing(store)]
    if missing:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--import-city", str(args.communities)], check=True)
        print(
            f"imported {len(missing)} communities in {time.perf_counter() - started:.0f} s "
            f"(peak memory of the import process {_peak_gb(resource.RUSAGE_CHILDREN):.1f} GB)"
        )
    parts = {"export": 0.0, "analysis": 0.0, "output": 0.0}
    residents = 0
    for name in names:
        G, t_export = timed(community_graph, store, name)
        a, t_audit = timed(audit, G)
        _, t_out = timed(lambda a=a: (format_audit(a), json.dumps(a.to_dict(), ensure_ascii=False, indent=2)))
        for k, v in zip(parts, (t_export, t_audit, t_out)):
            parts[k] += v
        residents += a.totals["residents"]
        del G, a
    total = sum(parts.values())
    print(
        f"\ncity: {len(names)} communities, {residents} residents audited in {total:.1f} s "
        f"(target < 120 s); {total / len(names):.2f} s per community"
    )
    print("  shares: " + ", ".join(f"{k} {v / total:.0%} ({v:.1f} s)" for k, v in parts.items()))
    print(f"  peak memory of this process {_peak_gb():.2f} GB (target < 8 GB)")
    _print_neo4j_memory(store)
    if args.drop:
        with store.driver.session(database=store.database) as session:  # CALL … IN TRANSACTIONS: auto-commit
            session.run(DROP, names=names).consume()
        print(f"dropped the {len(names)} city communities")


def _city_names(count: int) -> list[str]:
    import random

    from loaders.demo.places import community_names

    return community_names(count, random.Random(7))  # as generate_ledger(seed=7) names them


def _peak_gb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024**2  # kB on Linux


def _print_neo4j_memory(store) -> None:
    records = store.read("show_memory", SHOW_MEMORY, names=list(MEMORY))
    print("  Neo4j: " + ", ".join(f"{r['name']} = {r['value']}" for r in records))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generic-budget", type=float, default=60.0, help="seconds for the generic solver")
    parser.add_argument("--city", action="store_true", help="audit a generated city instead")
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--drop", action="store_true", help="delete the city communities afterwards")
    parser.add_argument("--contacts", type=int, default=100_000, help="contact days added for the visits part")
    parser.add_argument("--only-visits", action="store_true", help="demo mode: only the audit with/without visits")
    parser.add_argument("--import-city", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    store = open_store(get_settings(), say=print)
    with store.driver:
        if args.import_city:
            import_generated(store, args.import_city, lambda n: PREFIX + n)
        elif args.city:
            run_city(store, args)
        else:
            run_demo(store, args)


if __name__ == "__main__":
    main()
