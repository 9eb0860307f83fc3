"""The ``gridcare`` command: the managed database, the server, and the data commands.

Each module of this package defines one family of commands; this one makes the
group and adds them (`click.Group.add_command`). Exit status: 0 success, 1 a
failure the message explains (bad ledger, store unreachable, unknown
community), 2 a usage error.
"""

from __future__ import annotations

import click

from api.cli import analysis, community, data, logs, qr, server, tokens, visits


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="gridcare")
def main() -> None:
    """gridcare: the care and self-government network of a residential community.

    Keeps grids, buildings, units, households, residents, the "three leaders",
    care (包保) relationships, volunteer teams and the Party network in Neo4j,
    and serves them over GraphQL.

    By default gridcare runs its own Neo4j under $GRIDCARE_HOME (./var); set
    NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD to use another server instead.
    """


for command in (
    server.db,
    server.serve,
    data.import_cmd,
    data.demo_ledger,
    data.stats,
    analysis.audit,
    analysis.spof,
    analysis.suggest,
    analysis.suggest_leaders,
    visits.visits,
    tokens.token,
    community.community_group,
    qr.qr_cards,
    logs.access_log_group,
    logs.qr_scans_group,
):
    main.add_command(command)
