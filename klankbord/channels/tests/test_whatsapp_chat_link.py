"""The "chat with us" link of a WhatsApp number: wa.me with an optional text, and its QR code."""

import io
import re
from typing import Any
from xml.etree import ElementTree

import pytest
import segno
from django.test import Client
from PIL import Image
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.networks.whatsapp import chat_url
from klankbord.channels.tests.fakes.whatsapp import DISPLAY_NUMBER, FakeWhatsApp
from klankbord.channels.tests.test_whatsapp_connect import connect_url, entered
from klankbord.lib import qr
from klankbord.test import World

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def channel(world: World, alice_client: Client, httpserver: HTTPServer, settings: Any) -> Channel:
    settings.WHATSAPP_GRAPH_URL = FakeWhatsApp(httpserver).base_url
    alice_client.post(connect_url(world), entered())
    return Channel.objects.get(network="whatsapp")


def page_url(world: World, channel: Channel, end: str = "") -> str:
    return f"/o/{world.org.slug}/instellingen/kanalen/{channel.pk}/whatsapp-link/{end}"


def parse(svg: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 (our own output, made by segno)


def svg_matrix(svg: bytes) -> list[list[int]]:
    """The dark modules the path draws: `M x y` starts, `h n` is a dark run, `m dx dy` moves."""
    root = parse(svg)
    width = int(float(root.attrib["viewBox"].split()[2]) / _scale(root))
    rows = [[0] * width for _ in range(width)]
    x = y = 0.0
    for op, *numbers in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", _path(root)):
        if op == "M":
            x, y = float(numbers[0]), float(numbers[1])
        elif op == "m":
            x, y = x + float(numbers[0]), y + float(numbers[1])
        else:
            for column in range(int(x), int(x + float(numbers[0]))):
                rows[int(y)][column] = 1
            x += float(numbers[0])
    return [row[qr.BORDER : -qr.BORDER] for row in rows[qr.BORDER : -qr.BORDER]]


def _path(root: ElementTree.Element) -> str:
    (path,) = [p for p in root.iter(f"{SVG}path") if p.attrib.get("stroke") == "#000"]
    return path.attrib["d"]


def _scale(root: ElementTree.Element) -> float:
    (scaled,) = [e for e in root.iter() if "transform" in e.attrib]
    return float(re.fullmatch(r"scale\(([\d.]+)\)", scaled.attrib["transform"])[1])  # type: ignore[index]


def png_matrix(png: bytes, size: int) -> list[list[int]]:
    """Each module read at its centre."""
    image = Image.open(io.BytesIO(png)).convert("L")
    module = image.width / (size + 2 * qr.BORDER)

    def dark(x: int, y: int) -> int:
        centre = (int((qr.BORDER + x + 0.5) * module), int((qr.BORDER + y + 0.5) * module))
        return int(image.getpixel(centre) < 128)  # type: ignore[operator]

    return [[dark(x, y) for x in range(size)] for y in range(size)]


def expected(url: str) -> list[list[int]]:
    return [[int(bool(cell)) for cell in row] for row in segno.make(url).matrix]


def test_the_link_of_a_belgian_number_is_its_digits() -> None:
    assert chat_url("+32 470 12 34 56") == "https://wa.me/32470123456"


def test_the_pre_filled_text_is_url_encoded() -> None:
    assert (
        chat_url("+32 470 12 34 56", "Hallo, 1 taart & 2 éclairs?")
        == "https://wa.me/32470123456?text=Hallo%2C%201%20taart%20%26%202%20%C3%A9clairs%3F"
    )


def test_the_page_shows_the_link_a_copy_button_and_a_post_with_it(
    world: World, alice_client: Client, channel: Channel
) -> None:
    card = alice_client.get(f"/o/{world.org.slug}/instellingen/kanalen/")
    assert page_url(world, channel) in card.text
    response = alice_client.get(page_url(world, channel), {"text": "Hallo, ik wil een taart"})
    assert response.status_code == 200
    url = "https://wa.me/32470123456?text=Hallo%2C%20ik%20wil%20een%20taart"
    assert f'value="{url}"' in response.text
    assert 'data-copy="whatsapp-link-url"' in response.text and "klankbord/copy.js" in response.text
    assert "<script>" not in response.text  # the copy button's code is a file, for the CSP
    compose = f"/o/{world.org.slug}/publiceren/nieuw/?text=https%3A%2F%2Fwa.me%2F32470123456"
    assert compose in response.text
    Channel.objects.create(organisation=world.org, network="sandbox", external_id="s1")
    composer = alice_client.get(f"/o/{world.org.slug}/publiceren/nieuw/", {"text": url})
    assert f"\n{url}</textarea>" in composer.text


def test_the_svg_is_xml_at_print_size_and_encodes_the_link(
    world: World, alice_client: Client, channel: Channel
) -> None:
    response = alice_client.get(page_url(world, channel, "qr.svg"), {"text": "Een taart"})
    assert response["Content-Type"] == "image/svg+xml"
    assert "Content-Disposition" not in response  # shown on the page
    url = chat_url(DISPLAY_NUMBER, "Een taart")
    root = parse(response.content)
    assert root.attrib["width"].endswith("mm") and 95 <= float(root.attrib["width"][:-2]) <= 105
    assert svg_matrix(response.content) == expected(url)
    download = alice_client.get(page_url(world, channel, "qr.svg"), {"download": "1"})
    assert (
        download["Content-Disposition"] == 'attachment; filename="whatsapp-32-470-12-34-56-qr.svg"'
    )
    assert svg_matrix(download.content) == expected("https://wa.me/32470123456")


def test_the_png_opens_at_300_dpi_and_encodes_the_link(
    world: World, alice_client: Client, channel: Channel
) -> None:
    response = alice_client.get(
        page_url(world, channel, "qr.png"), {"text": "Een taart", "download": "1"}
    )
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].endswith('-qr.png"')
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.width >= 1000
    assert round(image.info["dpi"][0]) == qr.PNG_DPI
    url = chat_url(DISPLAY_NUMBER, "Een taart")
    assert png_matrix(response.content, len(expected(url))) == expected(url)


def test_another_organisation_and_other_channels_get_404(
    world: World, alice_client: Client, charlie_client: Client, channel: Channel
) -> None:
    for end in ("", "qr.svg", "qr.png"):
        assert charlie_client.get(page_url(world, channel, end)).status_code == 404
    sandbox = Channel.objects.create(organisation=world.org, network="sandbox", external_id="s1")
    assert alice_client.get(page_url(world, sandbox)).status_code == 404
    Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.DISCONNECTED)
    assert alice_client.get(page_url(world, channel, "qr.png")).status_code == 404


def test_the_text_is_kept_short_so_the_code_stays_readable(
    world: World, alice_client: Client, channel: Channel
) -> None:
    response = alice_client.get(page_url(world, channel), {"text": "taart " * 100})
    assert "?text=" + "taart%20" * 33 + "ta" + '"' in response.text  # 200 characters
