"""A `db start` that fails cleans up after itself: no JVM left running, no pid left in instance.json.

The start is made to fail deterministically with ``start_timeout=0``: the JVM is
spawned, and the wait for Bolt gives up before its first look, as it would after
two minutes on a machine where Neo4j hangs. (The other failure, a JVM that exits
during start-up, leaves nothing running by itself; its pid is cleared the same way.)
"""

import json
import re

import pytest

from api.settings import Settings
from graph.errors import LocalServerError
from graph.store.managed import LocalNeo4j, LocalOptions, _alive


def test_a_start_that_times_out_kills_its_jvm_and_forgets_it(gridcare, tmp_path):
    said: list[str] = []
    options = LocalOptions(
        home=tmp_path, cache=Settings().cache.expanduser(), heap="256m", pagecache="32m", start_timeout=0
    )
    server = LocalNeo4j(options, say=said.append)

    with pytest.raises(LocalServerError, match="did not open Bolt port"):
        server.start()

    pid = int(re.search(r"Stopped the Neo4j that failed to start \(pid (\d+)\)", " ".join(said))[1])
    assert not _alive(pid)
    state = json.loads((tmp_path / "neo4j" / "instance.json").read_text())
    assert state["pid"] is None
    assert not server.status().running
    status = gridcare("db", "status", env={"GRIDCARE_HOME": str(tmp_path)})
    assert status.returncode == 3 and status.stdout.startswith("not running")
