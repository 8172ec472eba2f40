"""Plain documents as A4 PDFs: a title block, headings, paragraphs, bullets, tables and notes."""

import functools
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Note:
    text: str
    tone: str = "info"


@dataclass(frozen=True)
class Figure:
    """A chart drawn with reportlab.graphics, kept on one page with its title above it."""

    title: str
    drawing: Any  # a reportlab.graphics.shapes.Drawing no wider than the text


Block = Heading | Paragraph | Bullets | Table | Note | Figure

FONT = "KlankbordSans"
CELL_FONT_SIZE = 9
CELL_PADDING = 6  # reportlab's default left and right padding of a table cell
MARGIN = 22 * mm
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
ACCENT = colors.HexColor("#1d4e89")
RULE = colors.HexColor("#cbd2d9")
HEADER_FILL = colors.HexColor("#e4ecf5")
STRIPE = colors.HexColor("#f5f7fa")
TONES = {
    "info": (colors.HexColor("#e8f1fb"), colors.HexColor("#1d4e89")),
    "ok": (colors.HexColor("#e6f4ea"), colors.HexColor("#2f7a3e")),
    "warning": (colors.HexColor("#fdf3e1"), colors.HexColor("#b36b00")),
}
BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


@functools.cache
def _fonts() -> str:
    """Register the bundled Vera TTFs: embedded Unicode fonts, so € “ ” é ñ survive copying."""
    folder = Path(reportlab.__file__).parent / "fonts"
    faces = {"": "Vera", "-Bold": "VeraBd", "-Italic": "VeraIt", "-BoldItalic": "VeraBI"}
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(folder / f"{file}.ttf")))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Italic",
        boldItalic=f"{FONT}-BoldItalic",
    )
    return FONT


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    font = _fonts()
    body = ParagraphStyle(
        "body", fontName=font, fontSize=10, leading=14.5, textColor=INK, spaceAfter=6
    )
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=f"{font}-Bold", fontSize=22, leading=27, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=12, leading=16, textColor=MUTED
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=f"{font}-Bold",
            fontSize=15,
            leading=19,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f"{font}-Bold",
            fontSize=11.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "cell": ParagraphStyle(
            "cell", parent=body, fontSize=CELL_FONT_SIZE, leading=12, spaceAfter=0
        ),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName=f"{font}-Bold",
            fontSize=CELL_FONT_SIZE,
            leading=12,
            spaceAfter=0,
        ),
        "note": ParagraphStyle("note", parent=body, spaceAfter=0),
        "footer": ParagraphStyle("footer", parent=body, fontSize=8, leading=10, textColor=MUTED),
        "pages": ParagraphStyle(
            "pages", parent=body, fontSize=8, leading=10, textColor=MUTED, alignment=TA_RIGHT
        ),
    }


def markup(text: str) -> str:
    """User text as reportlab mini-markup: everything escaped, only **bold** becomes <b>."""
    escaped = html.escape(text, quote=False)
    return BOLD.sub(r"<b>\1</b>", escaped).replace("\n", "<br/>")


def _paragraph(text: str, style: str) -> RLParagraph:
    return RLParagraph(markup(text), _styles()[style])


def _table(block: Table, width: float) -> RLTable:
    columns = max([len(block.header), *(len(row) for row in block.rows)], default=1)
    header = [*block.header, *[""] * (columns - len(block.header))]
    rows = [[*row, *[""] * (columns - len(row))] for row in block.rows]
    data = [[_paragraph(cell, "head") for cell in header]]
    data += [[_paragraph(str(cell), "cell") for cell in row] for row in rows]
    widths = _column_widths([header, *rows], width)
    # splitInRow: a cell longer than a page continues on the next one instead of failing.
    table = RLTable(data, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
    ]
    style += [("BACKGROUND", (0, n), (-1, n), STRIPE) for n in range(2, len(data), 2)]
    table.setStyle(TableStyle(style))
    return table


def _column_widths(rows: list[list[str]], width: float) -> list[float]:
    """Each column as wide as its longest word (a header is never broken mid-word), and the rest
    of the width shared by how much text each column holds."""
    columns = len(rows[0])
    weights = [min(max(len(str(row[n])) for row in rows), 60) + 8 for n in range(columns)]
    needed = [_longest_word(rows, n) + 2 * CELL_PADDING for n in range(columns)]
    room = width - sum(needed)
    if room < 0:  # more long words than width: keep their proportions
        return [width * need / sum(needed) for need in needed]
    shares = [room * weight / sum(weights) for weight in weights]
    return [need + share for need, share in zip(needed, shares, strict=True)]


def _longest_word(rows: list[list[str]], column: int) -> float:
    """The width of the longest word in a column; the header row is set in bold."""
    font = _fonts()
    widths = [
        pdfmetrics.stringWidth(word, font + ("-Bold" if index == 0 else ""), CELL_FONT_SIZE)
        for index, row in enumerate(rows)
        for word in str(row[column]).split()
    ]
    return max(widths, default=0.0)


def _note(block: Note, width: float) -> RLTable:
    fill, edge = TONES.get(block.tone, TONES["info"])
    box = RLTable([[_paragraph(block.text, "note")]], colWidths=[width], splitInRow=1)
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LINEBEFORE", (0, 0), (0, -1), 3, edge),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return box


def _flowables(block: Block, width: float) -> list[Flowable]:
    match block:
        case Heading(text=text, level=level):
            # Never leave a heading alone at the bottom of a page.
            return [CondPageBreak(40 * mm), _paragraph(text, "h1" if level <= 1 else "h2")]
        case Paragraph(text=text):
            return [_paragraph(text, "body")]
        case Bullets(items=items):
            entries = [ListItem(_paragraph(item, "body"), leftIndent=14) for item in items]
            return [
                ListFlowable(
                    entries, bulletType="bullet", start="•", leftIndent=14, bulletColor=ACCENT
                )
            ]
        case Table():
            return [_table(block, width), Spacer(1, 8)]
        case Note():
            return [_note(block, width), Spacer(1, 8)]
        case Figure(title=title, drawing=drawing):
            return [KeepTogether([_paragraph(title, "h2"), drawing, Spacer(1, 8)])]
    raise TypeError(f"Not a document block: {block!r}")


class _NumberedCanvas(Canvas):
    """Holds every page until the end, so each can say 'page / total'."""

    footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _ = A4
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        styles = _styles()
        pages = RLParagraph(f"{self._pageNumber} / {total}", styles["pages"])
        pages.wrapOn(self, 30 * mm, 10 * mm)
        pages.drawOn(self, width - MARGIN - 30 * mm, 9 * mm)
        if self.footer:
            text = RLParagraph(markup(self.footer), styles["footer"])
            _, height = text.wrapOn(self, width - 2 * MARGIN - 35 * mm, 10 * mm)
            text.drawOn(self, MARGIN, 9 * mm + 10 - height)


def document_pdf(
    *,
    title: str,
    subtitle: str = "",
    blocks: Sequence[Block],
    footer: str = "",
    language: str = "nl",
) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        subject=subtitle,
        lang=language,
    )
    story: list[Flowable] = [_paragraph(title, "title")]
    if subtitle:
        story.append(_paragraph(subtitle, "subtitle"))
    story.append(_rule(doc.width))
    for block in blocks:
        story += _flowables(block, doc.width)
    canvas = type("FooterCanvas", (_NumberedCanvas,), {"footer": footer})
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _rule(width: float) -> Flowable:
    line = RLTable([[""]], colWidths=[width], rowHeights=[4])
    line.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.2, ACCENT)]))
    return KeepTogether([Spacer(1, 6), line, Spacer(1, 10)])


def blocks_from_markdown(text: str) -> list[Block]:
    """A markdown subset: '# ' and '## ' headings, '- ' bullets, blank-line paragraphs, **bold**."""
    blocks: list[Block] = []
    lines: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(Paragraph(" ".join(lines)))
            lines.clear()
        if items:
            blocks.append(Bullets(list(items)))
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if heading := re.match(r"(#{1,6})\s+(.*)", line):
            flush()
            blocks.append(Heading(heading[2].strip(), level=1 if len(heading[1]) == 1 else 2))
        elif bullet := re.match(r"[-*]\s+(.*)", line):
            if lines:
                flush()
            items.append(bullet[1].strip())
        elif not line:
            flush()
        elif items and raw[:1].isspace():
            # An indented line continues the bullet above it.
            items[-1] = f"{items[-1]} {line}"
        else:
            if items:
                flush()
            lines.append(line)
    flush()
    return blocks
