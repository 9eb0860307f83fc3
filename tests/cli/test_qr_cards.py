"""`gridcare qr-cards`: codes issued for the chosen elders, a printable PDF, old cards dead."""

from fastapi.testclient import TestClient

from api.app import create_app
from api.cards import given_name
from api.settings import Settings


def test_given_names():
    assert given_name("王秀英") == "秀英"
    assert given_name("欧阳娜娜") == "娜娜"
    assert given_name("李") == "李"
    assert given_name("Anna Li") == "Anna"


def codes(store, community):
    records = store.read(
        "codes",
        "MATCH (r:Resident {community: $c})-[:HAS_QR]->(q:QrCode) RETURN r.residentId AS r, q.hash AS h",
        c=community,
    )
    return {x["r"]: x["h"] for x in records}


def test_cards_for_a_building(store, gridcare, seeded, tmp_path, gridcare_home):
    out = tmp_path / "cards.pdf"
    done = gridcare(
        "qr-cards",
        "--community",
        seeded,
        "--building",
        "1",
        "--out",
        out,
        "--base-url",
        "https://gridcare.example",
        env={"GRIDCARE_HOTLINE": "0431-1234"},
        check=True,
    )
    assert "Wrote 3 cards on 1 page(s)" in done.stdout
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 2000
    first = codes(store, seeded)
    assert set(first) == {"A1", "A2", "A3"}  # the elders of building 1; A4 is 36, A5 lives in building 2
    gridcare("qr-cards", "--community", seeded, "--resident", "A1", "--out", out, check=True)
    second = codes(store, seeded)
    assert second["A1"] != first["A1"] and second["A2"] == first["A2"]  # A1's old card is dead


def test_a_card_opens_the_finder_page(store, gridcare, seeded, tmp_path, gridcare_home, monkeypatch):
    import api.cards

    urls = []

    def write_cards(path, cards, hotline):
        urls.extend(u for _, u in cards)
        path.write_bytes(b"%PDF-1.4\n")
        return 1

    monkeypatch.setattr(api.cards, "write_cards", write_cards)
    from click.testing import CliRunner

    from api.cli import main
    from api.settings import get_settings

    env = {"GRIDCARE_HOME": str(gridcare_home), "GRIDCARE_PUBLIC_URL": "http://testserver"}
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            main, ["qr-cards", "--community", seeded, "--resident", "A3", "--out", str(tmp_path / "c.pdf")], env=env
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    app = create_app(Settings(home=gridcare_home), store=store)
    with TestClient(app) as finder:
        page = finder.get(urls[0].removeprefix("http://testserver"))
    assert page.status_code == 200 and "张桂兰" in page.text


def test_a_failed_pdf_leaves_the_old_cards_working(
    store, driver, database, seeded, tmp_path, gridcare_home, monkeypatch
):
    from click.testing import CliRunner

    import api.cards
    from api.cli import main
    from api.settings import get_settings

    def broken(path, cards, hotline):
        path.write_bytes(b"%PDF-")
        raise OSError("disk full")

    env = {"GRIDCARE_HOME": str(gridcare_home), "GRIDCARE_PUBLIC_URL": "http://testserver"}
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(
            main, ["qr-cards", "--community", seeded, "--resident", "A3", "--out", str(tmp_path / "c.pdf")], env=env
        )
        assert first.exit_code == 0, first.output
        issued = codes(store, seeded)
        monkeypatch.setattr(api.cards, "write_cards", broken)
        again = CliRunner().invoke(
            main, ["qr-cards", "--community", seeded, "--resident", "A3", "--out", str(tmp_path / "c.pdf")], env=env
        )
    finally:
        get_settings.cache_clear()
    assert again.exit_code != 0
    assert codes(store, seeded) == issued  # the printed card still opens the finder's page
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]  # no half-written file left


def test_no_matching_elder_is_a_clear_error(gridcare, seeded, tmp_path):
    done = gridcare("qr-cards", "--community", seeded, "--building", "99", "--out", tmp_path / "x.pdf")
    assert done.returncode == 1 and "no elder aged 60+ matches" in done.stderr


def test_cards_take_no_show_flags_the_consents_are_the_residents():
    from click.testing import CliRunner

    from api.cli import main

    for flag in ("--show-medical", "--show-address", "--no-show-contact"):
        result = CliRunner().invoke(main, ["qr-cards", "--out", "x.pdf", flag])
        assert result.exit_code == 2 and "No such option" in result.output


def test_cards_are_wallet_sized_and_leave_room_to_cut():
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    from api.cards import CARD_H, CARD_W, card_origin

    assert (round(CARD_W / mm, 1), round(CARD_H / mm, 1)) == (85.6, 54.0)  # ISO/IEC 7810 ID-1, a bank card
    boxes = [(x, y, x + CARD_W, y + CARD_H) for x, y in map(card_origin, range(10))]
    assert card_origin(10) == card_origin(0)  # ten to a page
    for left, bottom, right, top in boxes:
        assert left >= 5 * mm and bottom >= 5 * mm and right <= A4[0] - 5 * mm and top <= A4[1] - 5 * mm
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:  # at least 3 mm between any two cards, for the scissors
            assert (
                b[0] - a[2] >= 3 * mm - 1e-6
                or a[0] - b[2] >= 3 * mm - 1e-6
                or b[1] - a[3] >= 3 * mm - 1e-6
                or a[1] - b[3] >= 3 * mm - 1e-6
            )


def test_every_line_fits_inside_its_card(tmp_path):
    """Long names and hotlines shrink to fit; nothing but the given name, the hint and the hotline is printed."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    from api.cards import CARD_H, CARD_W, FONT, HINT, card_origin, draw_cards

    class Recording(Canvas):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            self.lines, self.fills = [], 0

        def drawString(self, x, y, text, *args, **kw):
            self.lines.append((x, y, text, self._fontsize))
            return super().drawString(x, y, text, *args, **kw)

        def drawPath(self, path, stroke=1, fill=0, *args, **kw):
            self.fills += fill
            return super().drawPath(path, stroke, fill, *args, **kw)

    canvas = Recording(str(tmp_path / "c.pdf"))
    names = ["秀英", "Maximilian-Alexander", "娜"]
    cards = [(name, f"https://gridcare.example/qr/{'x' * 22}") for name in names]
    assert draw_cards(canvas, cards, "0431-81234567 转 8001 (24小时)") == 1
    assert canvas.fills == len(cards)  # each QR code is one filled path: no seams between its modules
    printed = {text for _, _, text, _ in canvas.lines}
    assert printed == {*names, "防走失卡", *HINT, "社区热线", "0431-81234567 转 8001 (24小时)"}
    for x, y, text, size in canvas.lines:
        card = next(
            i
            for i, (cx, cy) in enumerate(map(card_origin, range(3)))
            if cx <= x <= cx + CARD_W and cy <= y <= cy + CARD_H
        )
        cx, cy = card_origin(card)
        assert size >= 6 and x + pdfmetrics.stringWidth(text, FONT, size) <= cx + CARD_W - 3 * mm + 1e-6, text
        assert y >= cy + 3 * mm and y + size <= cy + CARD_H - 3 * mm, text
