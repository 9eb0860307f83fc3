"""Wallet cards for anti-wandering QR codes, as a printable PDF (reportlab, no fonts to install).

A card (credit-card size, 85.6 × 54 mm; ten to an A4 page, with room to cut
between them) carries the QR code of the finder's page, the elder's given name
only, and the community hotline. Its dashed outline is the cut line; every mark
stays at least 3 mm inside it.

The Chinese text is set in STSong-Light, a standard Adobe CID font that PDF
readers stand in for with a Chinese font of their own, so no font file is
embedded (Acrobat may offer its Asian font pack; print from a computer that
has a Chinese font).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

CARD_W, CARD_H = 85.6 * mm, 54 * mm
COLUMNS, ROWS = 2, 5
GAP_X, GAP_Y = 6 * mm, 3 * mm  # room for the scissors between cards
MARGIN_X = (A4[0] - COLUMNS * CARD_W - (COLUMNS - 1) * GAP_X) / 2  # 16.4 mm: the sheet is centred on A4
MARGIN_Y = (A4[1] - ROWS * CARD_H - (ROWS - 1) * GAP_Y) / 2  # 7.5 mm, inside what printers can print
INSET = 3 * mm  # nothing is printed closer than this to the cut line
QR_SIZE = CARD_H - 10 * mm  # the code with its quiet zone of four modules
QR_QUIET = 4
TEXT_X = INSET + QR_SIZE + 1 * mm  # the text column, right of the code
TEXT_W = CARD_W - TEXT_X - INSET
HINT = ("如见我迷路，", "请扫码联系家人")
CUT_LINE = Color(0.45, 0.45, 0.45)
FONT = "STSong-Light"  # an Adobe CID font: Chinese text without embedding a font file
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
    "独孤",
    "南宫",
    "西门",
)


def given_name(name: str) -> str:
    """The given name of a Chinese name (欧阳娜娜 → 娜娜); other names are kept whole."""
    name = name.strip()
    if not name or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name.split()[0] if name.split() else name
    surname = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[surname:] if len(name) > surname else name


def write_cards(path: Path, cards: list[tuple[str, str]], hotline: str | None) -> int:
    """Write ``cards`` as (given name, URL of the finder's page); returns the number of pages."""
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle("防走失卡")
    pages = draw_cards(canvas, cards, hotline)
    canvas.save()
    return pages


def draw_cards(canvas: Canvas, cards: list[tuple[str, str]], hotline: str | None) -> int:
    """Draw ``cards`` on ``canvas``, ten to a page; returns the number of pages."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    per_page = COLUMNS * ROWS
    for i, card in enumerate(cards):
        if i and i % per_page == 0:
            canvas.showPage()
        _card(canvas, *card_origin(i), *card, hotline)
    return max(1, -(-len(cards) // per_page))


def card_origin(index: int) -> tuple[float, float]:
    """The lower-left corner of the ``index``-th card on its page (left to right, top to bottom)."""
    place = index % (COLUMNS * ROWS)
    col, row = place % COLUMNS, place // COLUMNS
    return MARGIN_X + col * (CARD_W + GAP_X), A4[1] - MARGIN_Y - CARD_H - row * (CARD_H + GAP_Y)


def fitted_size(text: str, size: float, width: float = TEXT_W, smallest: float = 6) -> float:
    """``size``, or the largest smaller one (down to ``smallest``) at which ``text`` fits ``width``."""
    natural = pdfmetrics.stringWidth(text, FONT, size)
    return size if natural <= width else max(smallest, size * width / natural)


def _card(canvas: Canvas, x: float, y: float, name: str, url: str, hotline: str | None) -> None:
    canvas.saveState()
    canvas.setStrokeColor(CUT_LINE)
    canvas.setLineWidth(0.5)
    canvas.setDash(2, 2)
    canvas.roundRect(x, y, CARD_W, CARD_H, 3 * mm)
    canvas.restoreState()
    _qr(canvas, url, x + INSET, y + (CARD_H - QR_SIZE) / 2, QR_SIZE)
    top = y + CARD_H
    lines: list[tuple[int, str, float]] = [(12, "防走失卡", 10), (18, name, 20), (10, HINT[0], 28), (10, HINT[1], 33)]
    if hotline:
        lines += [(10, "社区热线", 41), (12, hotline, 46.5)]
    for size, text, below_top in lines:
        canvas.setFont(FONT, fitted_size(text, size))
        canvas.drawString(x + TEXT_X, top - below_top * mm, text)


def _qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The code as one filled path, its quiet zone included in ``size``: no seams between modules."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.make()
    count = code.getModuleCount()
    module = size / (count + 2 * QR_QUIET)
    path = canvas.beginPath()
    for r in range(count):
        c = 0
        while c < count:
            if not code.isDark(r, c):
                c += 1
                continue
            run = c
            while run < count and code.isDark(r, run):
                run += 1
            path.rect(x + (QR_QUIET + c) * module, y + size - (QR_QUIET + r + 1) * module, (run - c) * module, module)
            c = run
    canvas.drawPath(path, stroke=0, fill=1)
