"""QR codes of an address, for print: SVG at a physical size and PNG at 300 dpi (segno)."""

import io

import segno

BORDER = 4  # the quiet zone the QR standard asks for, in modules
SVG_MM = 100  # 10 cm wide: readable from a few metres, on a shop window or a counter
PNG_PIXELS = 1200  # about the same at 300 dpi
PNG_DPI = 300


def qr_code(data: str) -> segno.QRCode:
    # A regular QR code: not every phone's camera reads a Micro QR code.
    return segno.make(data, micro=False)


def _modules(code: segno.QRCode) -> int:
    width, _height = code.symbol_size(scale=1, border=BORDER)
    return int(width)


def qr_svg(data: str, title: str = "") -> bytes:
    """Black on white, so it prints the same on any paper or window sticker."""
    code = qr_code(data)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=round(SVG_MM / _modules(code), 3),
        unit="mm",
        border=BORDER,
        dark="#000",
        light="#fff",
        title=title or None,
        svgclass=None,
        lineclass=None,
    )
    return buffer.getvalue()


def qr_png(data: str) -> bytes:
    code = qr_code(data)
    buffer = io.BytesIO()
    scale = max(1, round(PNG_PIXELS / _modules(code)))
    code.save(
        buffer, kind="png", scale=scale, border=BORDER, dark="#000", light="#fff", dpi=PNG_DPI
    )
    return buffer.getvalue()
