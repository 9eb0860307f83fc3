"""Token commands: ``token issue``, ``token list`` and ``token revoke``."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from analysis.domain import Role
from api.cli.common import err, friendly_errors, store, when
from api.settings import get_settings
from graph.errors import Invalid


@click.group()
def token() -> None:
    """Issue, list and revoke the bearer tokens of the GraphQL API.

    Only a keyed hash of each token is stored (key: GRIDCARE_TOKEN_KEY, in
    development a key generated under $GRIDCARE_HOME/secrets); a token is shown
    once, when it is issued.
    """


@token.command("issue")
@click.option("--community", help="The token's community (not for admin, which covers all).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="What the holder is.")
@click.option(
    "--scope",
    metavar="KIND:PLACE",
    help="The leader's place: grid:3 (grid_leader), building:5 (building_leader), unit:5-2 (unit_leader).",
)
@click.option("--resident", metavar="ID", help="The holder's resident id in the ledger (required for volunteer).")
@click.option(
    "--expires",
    default="30d",
    show_default=True,
    metavar="WHEN",
    help="30d, 12h, a date (2027-01-01, the start of that day UTC) or never.",
)
@click.option("--label", help="A note to recognise the token by in `token list`.")
@friendly_errors
def issue_cmd(community, role, scope, resident, expires, label) -> None:
    """Issue a token: the token alone on stdout, what it allows on stderr."""
    from api.tokens import TokenRequest, check_request, issue, parse_expiry, token_key

    try:  # a request that breaks the rules is a usage error (exit 2), before any database is started
        request = TokenRequest(
            role=role,
            community=community,
            scope=scope,
            resident=resident,
            label=label,
            expires_at=parse_expiry(expires, datetime.now(UTC)),
        )
        check_request(request)
    except Invalid as e:
        raise click.UsageError(str(e)) from e
    key = token_key(get_settings())
    with store() as s:
        secret, record = issue(s, key, request)
    click.echo(secret)
    err(
        f"token {record.id}: role {record.role}"
        + (f", community {record.community}" if record.community else "")
        + (f", scope {record.scope}" if record.scope else "")
        + (f", resident {record.resident_id}" if record.resident_id else "")
        + f", expires {when(record.expires_at) or 'never'}. "
        "Keep it secret: it is not shown again."
    )


@token.command("list")
@click.option("--community", help="Only this community's tokens (default: every token).")
@friendly_errors
def list_cmd(community: str | None) -> None:
    """List tokens: id, role, community, scope, label, created, expires, revoked (never the token)."""
    from graph.tokens import list_tokens

    with store() as s:
        records = list_tokens(s, community)
    click.echo("\t".join(("id", "role", "community", "scope", "label", "created", "expires", "revoked")))
    for r in records:
        click.echo(
            "\t".join(
                v or "-"
                for v in (
                    r.id,
                    r.role,
                    r.community,
                    r.scope,
                    r.label,
                    when(r.created_at),
                    when(r.expires_at),
                    when(r.revoked_at),
                )
            )
        )
    if not records:
        err("no tokens" + (f" in community {community!r}" if community else ""))


@token.command("revoke")
@click.argument("token_id", metavar="ID")
@friendly_errors
def revoke_cmd(token_id: str) -> None:
    """Revoke the token ID (see `token list`): every later request with it gets 401."""
    from graph.tokens import revoke_token

    with store() as s:
        record = revoke_token(s, token_id)
    click.echo(f"token {record.id} revoked at {when(record.revoked_at)}")
