"""Charts laid out once as plain shapes, then drawn as SVG (the page), reportlab graphics (the PDF)
or a PNG (the e-mail). Coordinates run from the top left, as in SVG.

Colour is never the only cue: every line has its own dash and marker and a label at its end,
bars carry their value, heat map cells their count.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

INK = "#1f2933"
MUTED = "#616e7c"
RULE = "#cbd2d9"
ACCENT = "#1d4e89"
COLOURS = ("#1d4e89", "#b36b00", "#2f7a3e", "#8e3b8e", "#616e7c")
DASHES: tuple[tuple[int, ...], ...] = ((), (6, 3), (2, 3), (8, 3, 2, 3), (4, 4))
MARKS = ("circle", "square", "triangle", "diamond", "circle")

WIDTH, HEIGHT = 520, 240  # narrow enough to stay legible on a phone
LEFT, RIGHT, TOP, BOTTOM = 44, 130, 14, 30
END_LABEL = 14  # characters of a line's name at its end; the table has it whole


@dataclass(frozen=True)
class Line:
    points: list[tuple[float, float]]
    colour: str = ACCENT
    width: float = 2.0
    dash: tuple[int, ...] = ()


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str = ""
    hatch: bool = False  # diagonal lines over the fill, for a value that stands out


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    anchor: str = "start"  # start, middle, end
    size: float = 11
    colour: str = INK
    bold: bool = False


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    shape: str
    colour: str


Shape = Line | Box | Text | Mark


@dataclass
class Canvas:
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)


Format = Callable[[float], str]


def mix(colour: str, share: float) -> str:
    """The colour at `share` of its strength over white: a shade without transparency."""
    rgb = [int(colour[n : n + 2], 16) for n in (1, 3, 5)]
    mixed = [round(255 - (255 - c) * max(0.0, min(1.0, share))) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def nice_top(value: float) -> float:
    """A round top for the axis, at or above the highest value."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= step * factor:
            return float(step * factor)
    return float(step * 10)


def _axes(
    canvas: Canvas,
    top: float,
    x_labels: Sequence[str],
    fmt: Format,
    x_of: Callable[[int], float] | None = None,
) -> None:
    plot_h = canvas.height - TOP - BOTTOM
    for share in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - share)
        canvas.shapes.append(Line([(LEFT, y), (canvas.width - RIGHT, y)], RULE, 1))
        canvas.shapes.append(Text(LEFT - 6, y + 4, fmt(top * share), "end", 11, MUTED))
    every = max(1, -(-len(x_labels) // 6))  # at most six dates under the axis
    for index, label in enumerate(x_labels):
        if index % every == 0 or index == len(x_labels) - 1:
            x = x_of(index) if x_of else _x(canvas, index, len(x_labels))
            canvas.shapes.append(Text(x, canvas.height - 10, label, "middle", 11, MUTED))


def _x(canvas: Canvas, index: int, count: int) -> float:
    plot_w = canvas.width - LEFT - RIGHT
    return LEFT + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)


def _y(canvas: Canvas, value: float, top: float) -> float:
    return TOP + (canvas.height - TOP - BOTTOM) * (1 - value / top)


def _target(canvas: Canvas, target: tuple[str, float], top: float) -> None:
    label, value = target
    y = _y(canvas, value, top)
    canvas.shapes.append(Line([(LEFT, y), (canvas.width - RIGHT, y)], INK, 1.5, (3, 3)))
    canvas.shapes.append(Text(canvas.width - RIGHT + 6, y + 4, label, size=11, bold=True))


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Format,
    target: tuple[str, float] | None = None,
) -> Canvas:
    """One line per series over the same x positions; a gap where a value is missing."""
    canvas = Canvas(WIDTH, HEIGHT)
    values = [v for _label, found in series for v in found if v is not None]
    top = nice_top(max([*values, target[1] if target else 0], default=0))
    _axes(canvas, top, x_labels, fmt)
    if target:
        _target(canvas, target, top)
    ends: list[tuple[float, str, str]] = []
    for index, (label, found) in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        points = [
            (_x(canvas, n, len(found)), _y(canvas, v, top))
            for n, v in enumerate(found)
            if v is not None
        ]
        for run in _runs(found, canvas, top):
            canvas.shapes.append(Line(run, colour, 2, dash))
        shape = MARKS[index % len(MARKS)]
        if len(found) <= 40:  # a year of days as dots would be one thick line
            canvas.shapes += [Mark(x, y, shape, colour) for x, y in points]
        last = next((v for v in reversed(found) if v is not None), None)
        if points and last is not None:
            name = label if len(label) <= END_LABEL else label[: END_LABEL - 1] + "\u2026"
            ends.append((points[-1][1], f"{name}: {fmt(last)}", colour))
    for y, text, colour in _spread(ends):
        canvas.shapes.append(Text(canvas.width - RIGHT + 6, y + 4, text, size=11, colour=colour))
    return canvas


def _runs(found: Sequence[float | None], canvas: Canvas, top: float) -> list[list]:
    """The stretches of a series without gaps, as points."""
    runs: list[list] = [[]]
    for n, value in enumerate(found):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((_x(canvas, n, len(found)), _y(canvas, value, top)))
    return [run for run in runs if len(run) > 1]


def _spread(ends: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    """End labels moved apart so none overlaps the one above it."""
    placed: list[tuple[float, str, str]] = []
    for y, text, colour in sorted(ends):
        if placed and y - placed[-1][0] < 14:
            y = placed[-1][0] + 14
        placed.append((y, text, colour))
    return placed


def bar_chart(
    x_labels: Sequence[str],
    values: Sequence[float],
    fmt: Format,
    target: tuple[str, float] | None = None,
) -> Canvas:
    """One bar per x position with its value on top; bars that reach the target are hatched."""
    canvas = Canvas(WIDTH, HEIGHT)
    top = nice_top(max([*values, target[1] if target else 0], default=0))
    slot = (canvas.width - LEFT - RIGHT) / max(1, len(values))
    # Under the bars, a date sits in the middle of its bar rather than on a point.
    _axes(canvas, top, x_labels, fmt, lambda index: LEFT + slot * index + slot / 2)
    for index, value in enumerate(values):
        y = _y(canvas, value, top)
        x = LEFT + slot * index + slot * 0.15
        reached = target is not None and value >= target[1]
        height = canvas.height - BOTTOM - y
        canvas.shapes.append(Box(x, y, slot * 0.7, height, mix(ACCENT, 0.75), ACCENT, reached))
        canvas.shapes.append(Text(x + slot * 0.35, y - 4, fmt(value), "middle", 11))
    if target:
        _target(canvas, target, top)
    return canvas


CELL = 22
HEAT_LEFT, HEAT_TOP = 44, 8


def heat_chart(grid: Sequence[Sequence[int]], day_labels: Sequence[str], fmt: Format) -> Canvas:
    """Weekdays down, hours across; darker is more, every cell with something shows its count
    and the busiest cell is outlined."""
    canvas = Canvas(HEAT_LEFT + 24 * CELL + 4, HEAT_TOP + 7 * CELL + 22)
    most = max((v for row in grid for v in row), default=0)
    for day, row in enumerate(grid):
        y = HEAT_TOP + day * CELL
        canvas.shapes.append(Text(HEAT_LEFT - 6, y + CELL * 0.65, day_labels[day], "end", 11))
        for hour, value in enumerate(row):
            x = HEAT_LEFT + hour * CELL
            share = value / most if most else 0
            busiest = bool(most) and value == most
            fill = mix(ACCENT, 0.08 + 0.92 * share) if value else "#f5f7fa"
            canvas.shapes.append(Box(x, y, CELL - 2, CELL - 2, fill, INK if busiest else ""))
            if value:
                colour = "#ffffff" if share > 0.55 else INK
                canvas.shapes.append(
                    Text(x + (CELL - 2) / 2, y + CELL * 0.62, fmt(value), "middle", 9, colour)
                )
    for hour in range(0, 24, 3):
        middle = HEAT_LEFT + hour * CELL + (CELL - 2) / 2
        canvas.shapes.append(Text(middle, canvas.height - 6, f"{hour:02d}", "middle", 11, MUTED))
    return canvas


def spark(values: Sequence[float]) -> Canvas:
    """A small line without axes: how the last weeks went, the last one marked."""
    canvas = Canvas(120, 32)
    top = max(values, default=0) or 1
    step = 116 / max(1, len(values) - 1)
    points = [(2 + step * n, 28 - 24 * v / top) for n, v in enumerate(values)]
    if len(points) > 1:
        canvas.shapes.append(Line(points, ACCENT, 1.5))
    if points:
        canvas.shapes.append(Mark(*points[-1], "circle", ACCENT))
    return canvas
