"""The Neo4j Community runtime: its jars from Maven Central, and a Java to run them.

The jars are resolved once by Maven into a cache folder (by default
``~/.cache/gridcare``); later starts use the cache and need no network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from graph.errors import LocalServerError

NEO4J_VERSION = "5.26.30"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
SUPPORTED_JAVA = (17, 21)
_COMPLETE = ".complete"


def runtime_dir(cache: Path, version: str = NEO4J_VERSION) -> Path:
    """The folder holding the jars of one Neo4j version."""
    return cache / f"neo4j-community-{version}"


def ensure_runtime(cache: Path, *, version: str = NEO4J_VERSION, say: Callable[[str], None] = print) -> Path:
    """Return the folder of the Neo4j jars, downloading them first if needed.

    The download runs Maven on the project's pom (``graph/store/neo4j-runtime.pom.xml``);
    a marker file is written only once every jar is in place, so an interrupted
    download is simply resumed at the next call.
    """
    lib = runtime_dir(cache, version) / "lib"
    if (lib / _COMPLETE).exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalServerError(
            "Maven (mvn) is needed once to download Neo4j from Maven Central; "
            "install it, or point NEO4J_URI at an existing Neo4j"
        )
    say(f"Downloading Neo4j Community {version} from Maven Central into {lib} (once, about 125 MB)…")
    lib.mkdir(parents=True, exist_ok=True)
    with resources.as_file(resources.files("graph.store") / "neo4j-runtime.pom.xml") as pom:
        cmd = [
            mvn,
            "-B",
            "-q",
            "-f",
            str(pom),
            f"-Dneo4j.version={version}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={lib}",
        ]
        done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise LocalServerError(f"Maven could not download Neo4j {version}:\n{tail}")
    (lib / _COMPLETE).write_text(version + "\n")
    say(f"Neo4j {version}: {sum(1 for _ in lib.glob('*.jar'))} jars ready.")
    return lib


def find_java(java_home: str | None = None) -> Path:
    """Find a Java that Neo4j 5.26 runs on (17 or 21), or say how to get one."""
    candidates = [Path(h) / "bin" / "java" for h in (java_home, os.environ.get("JAVA_HOME")) if h]
    on_path = shutil.which("java")
    candidates += [Path(on_path)] if on_path else []
    candidates += sorted(Path("/usr/lib/jvm").glob("*/bin/java"))
    seen = []
    for java in candidates:
        major = java_major(java)
        seen.append(f"{java} ({major or 'unusable'})")
        if major in SUPPORTED_JAVA:
            return java
    raise LocalServerError(
        "Neo4j 5.26 needs Java 17 or 21; found: "
        + (", ".join(seen) or "no java")
        + ". Install one or set GRIDCARE_JAVA_HOME."
    )


def java_major(java: Path) -> int | None:
    """The major version of a java binary, or None if it cannot run."""
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major
