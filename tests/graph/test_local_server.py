"""The project-managed Neo4j: start, status, stop and restart through the CLI.

This starts a second server in its own GRIDCARE_HOME, so it checks the real
life cycle (password file, clean stop, data kept across restarts).
"""

import stat

from graph.store.connection import Connection, open_driver


def test_start_status_stop_restart(gridcare, tmp_path):
    env = {"GRIDCARE_HOME": str(tmp_path), "GRIDCARE_NEO4J_HEAP": "512m", "GRIDCARE_NEO4J_PAGECACHE": "64m"}
    (tmp_path / "neo4j").mkdir()
    (tmp_path / "neo4j" / "password").write_text("-starts-with-a-dash")  # not to be read as an option
    (tmp_path / "neo4j" / "password").chmod(0o600)
    try:
        started = gridcare("db", "start", env=env, check=True)
        assert "Neo4j is running" in started.stdout
        status = gridcare("db", "status", env=env)
        assert status.returncode == 0 and "running: pid" in status.stdout

        password_file = tmp_path / "neo4j" / "password"
        assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
        uri = status.stdout.split(", ")[1]
        conn = Connection(uri, "neo4j", password_file.read_text().strip())
        with open_driver(conn) as driver:
            driver.execute_query("CREATE (:Probe {id: 'kept'})")

        # a second start is a no-op on the running server
        again = gridcare("db", "start", env=env, check=True)
        assert again.stdout == started.stdout

        assert gridcare("db", "stop", env=env, check=True).stdout.strip() == "Neo4j stopped."
        assert gridcare("db", "status", env=env).returncode == 3
        assert "Stopped." in (tmp_path / "neo4j" / "logs" / "neo4j.log").read_text()

        gridcare("db", "start", env=env, check=True)
        with open_driver(conn) as driver:
            records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.id AS id")
        assert [r["id"] for r in records] == ["kept"]
    finally:
        gridcare("db", "stop", env=env)


def test_wrong_password_is_a_clear_error(gridcare, neo4j_connection):
    done = gridcare(
        "stats", env={"NEO4J_URI": neo4j_connection.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "not-the-password"}
    )
    assert done.returncode == 1
    assert "refused the credentials" in done.stderr
    assert "not-the-password" not in done.stderr


def test_unreachable_server_is_a_clear_error(gridcare):
    done = gridcare("stats", env={"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x"})
    assert done.returncode == 1
    assert "bolt://127.0.0.1:9 does not answer" in done.stderr
