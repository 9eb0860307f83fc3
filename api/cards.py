"""Wallet cards for anti-wandering QR codes, as a printable PDF (reportlab, no fonts to install).

A card (credit-card size, 85.6 × 54 mm; ten to an A4 page) carries the QR code of
the finder's page, the elder's given name only, and the community hotline.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

CARD_W, CARD_H = 85.6 * mm, 54 * mm
COLUMNS, ROWS = 2, 5
FONT = "STSong-Light"  # an Adobe CID font: Chinese text without embedding a font file
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "夏侯", "令狐", "端木", "独孤", "南宫", "西门")


def given_name(name: str) -> str:
    """The given name of a Chinese name (欧阳娜娜 → 娜娜); other names are kept whole."""
    name = name.strip()
    if not name or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name.split()[0] if name.split() else name
    surname = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[surname:] if len(name) > surname else name


def write_cards(path: Path, cards: list[tuple[str, str]], hotline: str | None) -> int:
    """Write ``cards`` as (given name, URL of the finder's page); returns the number of pages."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle("防走失卡")
    per_page = COLUMNS * ROWS
    for i, card in enumerate(cards):
        if i and i % per_page == 0:
            canvas.showPage()
        col, row = (i % per_page) % COLUMNS, (i % per_page) // COLUMNS
        _card(canvas, 12 * mm + col * (CARD_W + 6 * mm), A4[1] - 12 * mm - (row + 1) * CARD_H, *card, hotline)
    canvas.save()
    return max(1, -(-len(cards) // per_page))


def _card(canvas: Canvas, x: float, y: float, name: str, url: str, hotline: str | None) -> None:
    canvas.setDash(2, 2)
    canvas.roundRect(x, y, CARD_W, CARD_H - 2 * mm, 3 * mm)
    canvas.setDash()
    size = CARD_H - 10 * mm
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x + 3 * mm, y + 3 * mm)
    text_x = x + size + 7 * mm
    canvas.setFont(FONT, 13)
    canvas.drawString(text_x, y + CARD_H - 13 * mm, "防走失卡")
    canvas.setFont(FONT, 16)
    canvas.drawString(text_x, y + CARD_H - 22 * mm, name)
    canvas.setFont(FONT, 8)
    canvas.drawString(text_x, y + CARD_H - 30 * mm, "如见我迷路，请扫码联系家人")
    if hotline:
        canvas.drawString(text_x, y + CARD_H - 36 * mm, f"社区热线 {hotline}")
