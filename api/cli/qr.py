"""`gridcare qr-cards`: issue anti-wandering QR codes and print them as wallet cards."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import click

from analysis.domain import ELDER_AGE, born_by, today
from api.cli.common import COMMUNITY, err, friendly_errors, resolve_community, store
from api.settings import get_settings


@click.command("qr-cards")
@COMMUNITY
@click.option("--building", help="Only the elders of this building (its number, e.g. 5).")
@click.option("--resident", help="Only this resident (the ledger's id).")
@click.option(
    "--elder-age",
    default=ELDER_AGE,
    show_default=True,
    type=click.IntRange(0, 150),
    help="Cards for residents of this age or more.",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
@click.option(
    "--base-url",
    help="Public address of the service, for the QR codes (default: GRIDCARE_PUBLIC_URL, else http://127.0.0.1:8000).",
)
@friendly_errors
def qr_cards(community, building, resident, elder_age, out, base_url):
    """Issue (or rotate) QR codes for elders and write their wallet cards to a PDF.

    Each card holds the QR code of the finder's page, the elder's given name only
    and the community hotline (GRIDCARE_HOTLINE). Issuing rotates the code: cards
    printed before for the same elders stop working. What the finder's page shows
    (family contact, medical alerts, address) follows each resident's recorded
    consent at the time of the scan (ledger columns 二维码显示… or setConsent).
    """
    from api.cards import given_name, write_cards
    from api.tokens import token_key
    from graph.qr import elders_for_cards, issue_qr_many

    settings = get_settings()
    base = (base_url or settings.public_url).rstrip("/")
    if not base_url and "public_url" not in settings.model_fields_set:
        err(
            f"warning: the codes point at {base} (set --base-url or GRIDCARE_PUBLIC_URL to the address "
            "finders' phones can reach)"
        )
    if not settings.hotline:
        err("warning: GRIDCARE_HOTLINE is not set: the cards carry no phone number")
    key = token_key(settings)
    with store() as s:
        name = resolve_community(s, community)
        elders = elders_for_cards(s, name, born_by=born_by(today(), elder_age), building=building, resident=resident)
        if not elders:
            raise click.ClickException(f"no elder aged {elder_age}+ matches in {name}")
        tokens = [secrets.token_urlsafe(16) for _ in elders]
        cards = [(given_name(full_name), f"{base}/qr/{token}") for (_, full_name), token in zip(elders, tokens)]
        # the PDF first, then the codes in one transaction: a failure on either side leaves the
        # elders' old cards working
        partial = out.with_name(f".{out.name}.partial")
        try:
            pages = write_cards(partial, cards, settings.hotline)
            issue_qr_many(
                s,
                [
                    (rid, hmac.new(key, token.encode(), hashlib.sha256).hexdigest())
                    for (rid, _), token in zip(elders, tokens)
                ],
            )
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    click.echo(f"Wrote {len(cards)} cards on {pages} page(s) to {out}; earlier cards of these elders no longer work.")
