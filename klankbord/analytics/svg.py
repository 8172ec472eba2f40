"""Charts as inline SVG for the page: no script, presentation attributes only (CSP allows them),
a title and a description for screen readers, and a viewBox so they shrink to 360 px."""

from html import escape

from django.utils.safestring import SafeString, mark_safe

from klankbord.analytics.chart_shapes import Box, Canvas, Line, Mark, Shape, Text


def svg(canvas: Canvas, *, key: str, title: str, desc: str, small: bool = False) -> SafeString:
    ids = f"chart-{key}-title chart-{key}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {canvas.width:g} {canvas.height:g}"'
        f' width="100%" class="chart{" chart-small" if small else ""}" role="img"'
        f' aria-labelledby="{ids}" font-family="sans-serif">',
        f'<title id="chart-{key}-title">{escape(title)}</title>',
        f'<desc id="chart-{key}-desc">{escape(desc)}</desc>',
    ]
    if any(isinstance(shape, Box) and shape.hatch for shape in canvas.shapes):
        parts.append(
            f'<defs><pattern id="chart-{key}-hatch" width="6" height="6"'
            ' patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#1f2933" stroke-width="1.5"/>'
            "</pattern></defs>"
        )
    parts += [_shape(shape, key) for shape in canvas.shapes]
    parts.append("</svg>")
    # Every text in it went through escape() above or in _shape.
    return mark_safe("".join(parts))  # noqa: S308


def _shape(shape: Shape, key: str) -> str:
    match shape:
        case Line(points=points, colour=colour, width=width, dash=dash):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dashes = f' stroke-dasharray="{" ".join(map(str, dash))}"' if dash else ""
            return (
                f'<polyline points="{path}" fill="none" stroke="{colour}"'
                f' stroke-width="{width:g}"{dashes}/>'
            )
        case Box(x=x, y=y, w=w, h=h, fill=fill, stroke=stroke, hatch=hatch):
            edge = f' stroke="{stroke}"' if stroke else ""
            box = f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"'
            if hatch:
                return f"{box}{edge}/>{box.replace(fill, f'url(#chart-{key}-hatch)')}/>"
            return f"{box}{edge}/>"
        case Text(x=x, y=y, text=text, anchor=anchor, size=size, colour=colour, bold=bold):
            weight = ' font-weight="bold"' if bold else ""
            return (
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}"'
                f' fill="{colour}"{weight}>{escape(text)}</text>'
            )
        case Mark(x=x, y=y, shape=form, colour=colour):
            return _mark(x, y, form, colour)
    raise TypeError(f"Not a chart shape: {shape!r}")


def _mark(x: float, y: float, form: str, colour: str) -> str:
    if form == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    corners = {
        "triangle": [(x, y - 4.5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5)],
        "diamond": [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)],
    }.get(form)
    if corners:
        points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
