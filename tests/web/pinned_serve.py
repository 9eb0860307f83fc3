"""`gridcare serve` with the service's clock pinned: ``python -m tests.web.pinned_serve MOMENT serve --port P``.

The browser tests run the real command line, as `make demo` does, but on a fixed day,
so that ages, due visits and "today" never depend on when the tests run.
"""

from __future__ import annotations

import sys
from datetime import datetime


def main() -> None:
    from analysis import domain

    moment = datetime.fromisoformat(sys.argv[1])
    domain.clock = lambda: moment
    from api.cli import main as gridcare

    gridcare(sys.argv[2:])


if __name__ == "__main__":
    main()
