"""Everyday registers against the ledger contract: the same people, imported from each shape, in the same run.

    python bench/registers_bench.py [--rounds 3] [--seed 7] [--visits]

Generates the Changshan Garden ledger (~7,000 residents, without its year of
visits unless --visits) and writes it twice as an .xlsx workbook:
  contract  the sheets of docs/ledger-format.md, one residents sheet with 居民编号,
            birth dates, four place columns, and the same national ids
  everyday  as offices keep it (loaders.demo.register): one sheet per building
            with a title row, everyday headers, merged grid cells, ids only
            (key, birth date and gender derived from them), one address column
            in six forms, blank rows and a signed footer; the other sheets
            name people by their national id
Each round imports both, each into an empty community, in alternating order:
read_ledger (reading and validation) then write_plan (the one transaction and
its read-back). Reported: the median seconds of each phase per shape, and the
ratio everyday/contract (1.00 = as fast). Uses the managed Neo4j, or NEO4J_URI.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402

from api.dry_run import totals  # noqa: E402
from api.secrets import national_id_hasher  # noqa: E402
from api.settings import get_settings  # noqa: E402
from api.store import open_store  # noqa: E402
from bench.import_bench import clear  # noqa: E402
from loaders.demo import generate_ledger  # noqa: E402
from loaders.demo.register import national_ids, write_register  # noqa: E402
from loaders.ledger import read_ledger  # noqa: E402
from loaders.writer import plan_import, write_plan  # noqa: E402

DAY = date(2026, 6, 15)


def with_ids(sheets):
    """The contract's sheets carrying the national ids the register gives the same people."""
    ids = national_ids(sheets["residents"])
    residents = [{**row, "身份证号": ids[(row.get("社区", ""), row["居民编号"])]} for row in sheets["residents"]]
    return {**sheets, "residents": residents}


def write_book(sheets, out):
    """The contract's sheets as a workbook written by openpyxl, as the register is (the same cell encoding:
    shared strings), so that both shapes cost openpyxl the same to read."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        if rows:
            sheet = book.create_sheet(name)
            columns = list(rows[0])
            sheet.append(columns)
            for row in rows:
                sheet.append([row.get(c, "") for c in columns])
    book.save(out)
    return out


def run(store, path, community, hasher):
    started = time.perf_counter()
    ledger = read_ledger(path, community, hash_national_id=hasher)
    assert not ledger.errors, [str(p) for p in ledger.errors[:3]]
    read = time.perf_counter()
    write_plan(store, plan_import(ledger, hash_national_id=hasher))
    done = time.perf_counter()
    return read - started, done - read, ledger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--visits", action="store_true", help="include the year of visits (~90,000 rows)")
    args = parser.parse_args()
    settings = get_settings()
    hasher = national_id_hasher(settings)
    store = open_store(settings, say=print)
    sheets = generate_ledger(seed=args.seed, today=DAY, visits=args.visits)
    shapes = {"contract": "bench-contract", "everyday": "bench-everyday"}
    with store.driver, tempfile.TemporaryDirectory() as tmp:
        paths = {
            "contract": write_book(with_ids(sheets), Path(tmp) / "contract.xlsx"),
            "everyday": write_register(sheets, Path(tmp) / "everyday.xlsx", seed=args.seed),
        }
        times = {shape: {"read": [], "write": []} for shape in shapes}
        counts = {}
        for n in range(args.rounds):
            order = list(shapes) if n % 2 == 0 else list(reversed(shapes))
            for shape in order:
                clear(store, shapes[shape])
                read, write, ledger = run(store, paths[shape], shapes[shape], hasher)
                times[shape]["read"].append(read)
                times[shape]["write"].append(write)
                counts[shape] = next(iter(totals(ledger, DAY).values()))
            line = ", ".join(f"{s} {times[s]['read'][-1]:.2f} + {times[s]['write'][-1]:.2f} s" for s in shapes)
            print(f"round {n + 1} (read + write): {line}")
        for community in shapes.values():
            clear(store, community)
    assert counts["contract"] == counts["everyday"], counts
    c = counts["contract"]
    print(
        f"\nthe same people in both shapes: {c['residents']:,} residents, {c['households']:,} households, "
        f"{c['buildings']} buildings, {c['units']} units, {c['grids']} grids, "
        f"{c['party_member_households']} Party-member households, {c['elders']:,} elders on {DAY}"
    )
    print(f"median of {args.rounds} rounds, seconds:")
    med = {s: {k: statistics.median(v) for k, v in t.items()} for s, t in times.items()}
    for shape in shapes:
        m = med[shape]
        print(f"  {shape:8s} read {m['read']:6.2f}  write {m['write']:6.2f}  total {m['read'] + m['write']:6.2f}")
    for phase in ("read", "write"):
        print(f"  ratio everyday/contract, {phase}: {med['everyday'][phase] / med['contract'][phase]:.2f}")
    total = {s: med[s]["read"] + med[s]["write"] for s in shapes}
    print(f"  ratio everyday/contract, total: {total['everyday'] / total['contract']:.2f} (1.00 = as fast)")


if __name__ == "__main__":
    main()
