"""The demo written as an office's register (`gridcare demo-ledger --register`) reads as the same records as
the demo's ledger: every sheet, the services (服务记录) among them, naming people by their national id."""

from collections import Counter
from dataclasses import replace
from datetime import date

from loaders.demo import DEMO_COMMUNITY, generate_ledger
from loaders.demo.register import national_ids, write_register
from loaders.identity import derived_key
from loaders.ledger import read_ledger
from loaders.ledger_files import write_ledger

DAY = date(2026, 6, 15)


def hasher(value: str) -> str:
    return "k" + value[::-1]


def test_the_register_reads_as_the_ledger_with_the_same_people(tmp_path):
    sheets = generate_ledger(seed=7, today=DAY, visits=False)
    assert sheets["services"]  # the history of services is part of the demo
    register = read_ledger(write_register(sheets, tmp_path / "register.xlsx"), DEMO_COMMUNITY, hash_national_id=hasher)
    ledger = read_ledger(write_ledger(sheets, tmp_path / "ledger"), DEMO_COMMUNITY, hash_national_id=hasher)
    assert register.errors == [] and ledger.errors == []
    ids = national_ids(sheets["residents"])
    key = {rid: derived_key(hasher, nid) for (_, rid), nid in ids.items()}

    def keyed(record, fields):
        """The record with the people it names by 居民编号 named by the keys of their national ids."""
        return replace(record, **{f: key.get(getattr(record, f), getattr(record, f)) for f in fields})

    for name, fields in (
        ("leaders", ("resident_id",)),
        ("care", ("caregiver_id", "recipient_id")),
        ("volunteers", ("resident_id",)),
        ("service_roles", ("resident_id",)),
        ("party_groups", ("resident_id",)),
        ("services", ("resident_id", "provider_id")),
    ):
        mine, theirs = getattr(register, name), getattr(ledger, name)
        assert len(mine) == len(theirs) == len(sheets[name]), name
        assert Counter(mine) == Counter(keyed(r, fields) for r in theirs), name
    assert len(register.residents) == len(ledger.residents) == len(sheets["residents"])
