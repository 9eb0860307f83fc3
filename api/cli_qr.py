"""`gridcare qr-cards`: issue anti-wandering QR codes and print them as wallet cards."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date
from pathlib import Path

import click

from api.cli import err, friendly_errors, main, resolve_community
from api.settings import get_settings


@main.command("qr-cards")
@click.option("--community", help="Community name (may be left out when the database holds one).")
@click.option("--building", help="Only the elders of this building (its number, e.g. 5).")
@click.option("--resident", help="Only this resident (the ledger's id).")
@click.option("--elder-age", default=60, show_default=True, type=click.IntRange(0, 150),
              help="Cards for residents of this age or more.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
@click.option("--base-url", help="Public address of the service, for the QR codes "
                                 "(default: GRIDCARE_PUBLIC_URL, else http://127.0.0.1:8000).")
@click.option("--show-contact/--no-show-contact", default=True, show_default=True,
              help="The finder's page shows the family contact's phone.")
@click.option("--show-medical", is_flag=True, help="The finder's page shows the health notes (family consent).")
@click.option("--show-address", is_flag=True, help="The finder's page shows building, unit and room (consent).")
@friendly_errors
def qr_cards(community, building, resident, elder_age, out, base_url, show_contact, show_medical, show_address):
    """Issue (or rotate) QR codes for elders and write their wallet cards to a PDF.

    Each card holds the QR code of the finder's page, the elder's given name only
    and the community hotline (GRIDCARE_HOTLINE). Issuing rotates the code: cards
    printed before for the same elders stop working.
    """
    from api.cards import given_name, write_cards
    from api.store import open_store
    from api.tokens import token_key
    from graph.qr import Consent, elders_for_cards, issue_qr
    from graph.stats import elder_birth_cutoff

    settings = get_settings()
    base = (base_url or settings.public_url).rstrip("/")
    consent = Consent(contact=show_contact, medical=show_medical, address=show_address)
    key = token_key(settings)
    driver, database = open_store(settings, say=err)
    with driver:
        name = resolve_community(driver, database, community)
        elders = elders_for_cards(driver, database, name, born_by=elder_birth_cutoff(date.today(), elder_age),
                                  building=building, resident=resident)
        if not elders:
            raise click.ClickException(f"no elder aged {elder_age}+ matches in {name}")
        cards = []
        for rid, full_name in elders:
            token = secrets.token_urlsafe(16)
            issue_qr(driver, database, rid, hmac.new(key, token.encode(), hashlib.sha256).hexdigest(), consent)
            cards.append((given_name(full_name), f"{base}/qr/{token}"))
    pages = write_cards(out, cards, settings.hotline)
    click.echo(f"Wrote {len(cards)} cards on {pages} page(s) to {out}; earlier cards of these elders no longer work.")
