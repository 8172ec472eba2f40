"""The WhatsApp "chat with us" link of a connected number: to copy, to post, and as a QR code."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from klankbord.channels.models import Channel
from klankbord.channels.networks import whatsapp
from klankbord.lib import qr
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role

# Long enough for a greeting; a longer text makes a denser QR code, harder to read from afar.
MAX_TEXT = 200


def _number_or_404(membership: Membership, channel_id: int) -> Channel:
    found = (
        Channel.objects.filter(
            pk=channel_id, organisation=membership.organisation, network="whatsapp"
        )
        .exclude(status=Channel.Status.DISCONNECTED)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _text(request: HttpRequest) -> str:
    return " ".join(request.GET.get("text", "").split())[:MAX_TEXT]


@org_view()
@require_GET
def whatsapp_link_view(
    request: HttpRequest, membership: Membership, channel_id: int
) -> HttpResponse:
    channel = _number_or_404(membership, channel_id)
    text = _text(request)
    url = whatsapp.chat_url(channel.handle, text)
    slug = membership.organisation.slug
    query = {"text": text} if text else {}
    svg = reverse("whatsapp_qr_svg", args=[slug, channel.pk])
    png = reverse("whatsapp_qr_png", args=[slug, channel.pk])
    context = {
        "membership": membership,
        "channel": channel,
        "text": text,
        "max_text": MAX_TEXT,
        "url": url,
        "svg_url": f"{svg}?{urlencode(query)}" if query else svg,
        "svg_download": f"{svg}?{urlencode({**query, 'download': '1'})}",
        "png_download": f"{png}?{urlencode({**query, 'download': '1'})}",
        "compose_url": reverse("compose", args=[slug]) + "?" + urlencode({"text": url}),
        "may_post": membership.has_role(Role.CONTRIBUTOR),
    }
    return render(request, "channels/whatsapp_link.html", context)


@org_view()
@require_GET
def whatsapp_qr_view(
    request: HttpRequest, membership: Membership, channel_id: int, kind: str
) -> HttpResponse:
    channel = _number_or_404(membership, channel_id)
    url = whatsapp.chat_url(channel.handle, _text(request))
    if not url:
        raise Http404
    if kind == "svg":
        response = HttpResponse(qr.qr_svg(url, title=url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr.qr_png(url), content_type="image/png")
    name = slugify(f"whatsapp {channel.handle}") or "whatsapp"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}-qr.{kind}"'
    return response
