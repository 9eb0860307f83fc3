"""The operations log: one JSON line per operator action that changes or replaces data wholesale.

``$GRIDCARE_HOME/logs/operations.log`` records who (the OS user), when (UTC), which
operation and what it touched — a community's name, counts, an archive's path —
and never personal data. Deleting a community, backing up and restoring the
database append to it; nothing rewrites or prunes it.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.settings import Settings


def operations_log(settings: Settings) -> Path:
    return settings.home / "logs" / "operations.log"


def os_user() -> str:
    """The operating-system user running this process (the login name, else the uid)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def record_operation(settings: Settings, operation: str, **details: Any) -> dict[str, Any]:
    """Append ``{"at", "user", "operation", **details}`` to the operations log; returns the entry."""
    entry = {
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "user": os_user(),
        "operation": operation,
        **details,
    }
    path = operations_log(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as log:  # one write of one line: concurrent appends do not interleave
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return entry
