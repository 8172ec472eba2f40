"""Measure's charts for the monthly report: reportlab graphics in the PDF, PNG in the e-mail.

reportlab's own bitmap renderer (renderPM) needs a cairo backend that is not installed, and an
e-mail cannot carry SVG safely, so the PNG is drawn with Pillow from the same shapes.
"""

import functools
import io
import itertools
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, PolyLine, Rect, String
from reportlab.lib import colors

from klankbord.analytics.chart_shapes import Box, Canvas, Line, Mark, Shape, Text
from klankbord.lib.pdf import FONT

ANCHORS = {"start": "start", "middle": "middle", "end": "end"}


def drawing(canvas: Canvas, width: float) -> Drawing:
    """The chart scaled to `width` points; reportlab's y axis runs upwards."""
    scale = min(1.0, width / canvas.width)
    group = Group(*[part for shape in canvas.shapes for part in _parts(shape, canvas.height)])
    group.scale(scale, scale)
    found = Drawing(canvas.width * scale, canvas.height * scale)
    found.add(group)
    return found


def _parts(shape: Shape, height: float) -> list:
    match shape:
        case Line(points=points, colour=colour, width=width, dash=dash):
            flat = [v for x, y in points for v in (x, height - y)]
            line = PolyLine(flat, strokeColor=colors.HexColor(colour), strokeWidth=width)
            line.strokeDashArray = list(dash) or None
            return [line]
        case Box(x=x, y=y, w=w, h=h, fill=fill, stroke=stroke, hatch=hatch):
            edge = colors.HexColor(stroke) if stroke else None
            box = Rect(x, height - y - h, w, h, fillColor=colors.HexColor(fill), strokeColor=edge)
            return [box, *(_hatch(x, height - y - h, w, h) if hatch else [])]
        case Text(x=x, y=y, text=text, anchor=anchor, size=size, colour=colour, bold=bold):
            font = f"{FONT}-Bold" if bold else FONT
            return [
                String(x, height - y, text, fontName=font, fontSize=size,
                       fillColor=colors.HexColor(colour), textAnchor=ANCHORS[anchor])
            ]  # fmt: skip
        case Mark(x=x, y=y, shape=form, colour=colour):
            fill = colors.HexColor(colour)
            y = height - y
            if form == "square":
                return [Rect(x - 3.5, y - 3.5, 7, 7, fillColor=fill, strokeColor=None)]
            if form in ("triangle", "diamond"):
                corners = (
                    [x, y + 4.5, x + 4.5, y - 3.5, x - 4.5, y - 3.5]
                    if form == "triangle"
                    else [x, y + 5, x + 5, y, x, y - 5, x - 5, y]
                )
                return [Polygon(corners, fillColor=fill, strokeColor=None)]
            return [Circle(x, y, 3.5, fillColor=fill, strokeColor=None)]
    raise TypeError(f"Not a chart shape: {shape!r}")


def _hatch(x: float, y: float, w: float, h: float) -> list:
    """Diagonal lines inside a bar, so a bar that reached the target shows without colour."""
    lines = []
    step = 6.0
    offset = 0.0
    while offset < w + h:
        x1, y1 = x + max(0.0, offset - h), y + min(h, offset)
        x2, y2 = x + min(w, offset), y + max(0.0, offset - w)
        lines.append(PolyLine([x1, y1, x2, y2], strokeColor=colors.HexColor("#1f2933"),
                              strokeWidth=0.8))  # fmt: skip
        offset += step
    return lines


# --- PNG for the e-mail ------------------------------------------------------------------------

ZOOM = 2  # sharp on high-density screens


@functools.cache
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    folder = Path(reportlab.__file__).parent / "fonts"
    return ImageFont.truetype(
        str(folder / ("VeraBd.ttf" if bold else "Vera.ttf")), round(size * ZOOM)
    )


def png(canvas: Canvas) -> bytes:
    image = Image.new("RGB", (round(canvas.width * ZOOM), round(canvas.height * ZOOM)), "white")
    draw = ImageDraw.Draw(image)
    for shape in canvas.shapes:
        _paint(draw, shape)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _paint(draw: ImageDraw.ImageDraw, shape: Shape) -> None:
    z = ZOOM
    match shape:
        case Line(points=points, colour=colour, width=width, dash=dash):
            scaled = [(x * z, y * z) for x, y in points]
            for start, end in _dashed(scaled, [d * z for d in dash]):
                draw.line([start, end], fill=colour, width=max(1, round(width * z)))
        case Box(x=x, y=y, w=w, h=h, fill=fill, stroke=stroke, hatch=hatch):
            draw.rectangle([x * z, y * z, (x + w) * z, (y + h) * z], fill=fill,
                           outline=stroke or None)  # fmt: skip
            if hatch:
                for line in _hatch(x, y, w, h):
                    x1, y1, x2, y2 = line.points
                    draw.line([(x1 * z, y1 * z), (x2 * z, y2 * z)], fill="#1f2933", width=z)
        case Text(x=x, y=y, text=text, anchor=anchor, size=size, colour=colour, bold=bold):
            where = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
            draw.text((x * z, y * z), text, fill=colour, font=_font(size, bold), anchor=where)
        case Mark(x=x, y=y, shape=form, colour=colour):
            r = 3.5 * z
            if form == "square":
                draw.rectangle([x * z - r, y * z - r, x * z + r, y * z + r], fill=colour)
            elif form in ("triangle", "diamond"):
                sides = 3 if form == "triangle" else 4
                draw.regular_polygon((x * z, y * z, r * 1.3), sides, fill=colour)
            else:
                draw.ellipse([x * z - r, y * z - r, x * z + r, y * z + r], fill=colour)


def _dashed(points: list[tuple[float, float]], dash: list[float]) -> list:
    """The segments of a polyline, cut into dashes when it has a dash pattern."""
    segments = list(itertools.pairwise(points))
    if not dash:
        return segments
    found = []
    pattern, index, left, drawing_on = dash, 0, dash[0], True
    for (x1, y1), (x2, y2) in segments:
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1e-9
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if drawing_on:
                a, b = done / length, (done + step) / length
                found.append(((x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
                              (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b)))  # fmt: skip
            done += step
            left -= step
            if left <= 0:
                index = (index + 1) % len(pattern)
                left, drawing_on = pattern[index], not drawing_on
    return found
