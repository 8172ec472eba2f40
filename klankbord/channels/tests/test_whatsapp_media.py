"""WhatsApp media: photos, voice notes, videos, documents and stickers come into the inbox with
their files; locations and contact cards as words; an answer may carry one image or PDF."""

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_httpserver import HTTPServer

from klankbord.channels import meta_webhooks
from klankbord.channels.models import Channel, WebhookEvent
from klankbord.channels.tests.fakes.whatsapp import CUSTOMER_WA_ID, webhook_delivery
from klankbord.channels.tests.fakes.whatsapp_media import (
    JPEG,
    MP4,
    OGG,
    PDF,
    PNG,
    WEBP,
    FakeWhatsAppMedia,
    contacts_message,
    document_message,
    image_message,
    location_message,
    sticker_message,
    unsupported_message,
    video_message,
    voice_message,
)
from klankbord.channels.tests.test_whatsapp_webhooks import deliver
from klankbord.channels.tests.whatsapp_setup import connected, in_english
from klankbord.inbox.models import Item, Reply, ReplyMedia
from klankbord.lib import http
from klankbord.listening.models import ListeningSettings, Mention, MentionMedia
from klankbord.listening.privacy import author_erase, author_export, retention_apply
from klankbord.orgs.models import Membership
from klankbord.test import World

__all__ = ["in_english"]
pytestmark = pytest.mark.django_db
WAMID = "wamid.HBgLMzI0NzU5ODc2NTQVAgASGBQzQTdCNUY3RjBFQkRGRkY4QzY4NwA="


@pytest.fixture
def fake(httpserver: HTTPServer, settings: Any) -> FakeWhatsAppMedia:
    fake = FakeWhatsAppMedia(httpserver)
    settings.WHATSAPP_GRAPH_URL = fake.base_url
    return fake


@pytest.fixture
def channel(world: World, fake: FakeWhatsAppMedia, monkeypatch: pytest.MonkeyPatch) -> Channel:
    return connected(world, monkeypatch)


def client_of(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def item_page(world: World, item: Item) -> str:
    url = reverse("inbox_item", args=[world.org.slug, item.pk])
    return client_of(world.alice).get(url).content.decode()


def media_url(world: World, media: MentionMedia) -> str:
    return reverse("inbox_media", args=[world.org.slug, media.pk])


CASES = [
    ("image", JPEG, "image/jpeg", lambda m, c: image_message(WAMID, m, c, "Deze taart?"), "<img"),
    ("audio", OGG, "audio/ogg", lambda m, c: voice_message(WAMID, m, c), "<audio controls"),
    ("video", MP4, "video/mp4", lambda m, c: video_message(WAMID, m, c), "<video controls"),
    (
        "document",
        PDF,
        "application/pdf",
        lambda m, c: document_message(WAMID, m, c, "offerte-2026.pdf", "Onze offerte"),
        'download class="document-link">offerte-2026.pdf</a>',
    ),
    ("sticker", WEBP, "image/webp", lambda m, c: sticker_message(WAMID, m, c), "<img"),
]


@pytest.mark.parametrize(("kind", "content", "mime_type", "message", "shown"), CASES)
def test_each_media_message_comes_in_with_its_file_and_is_shown(
    world: World,
    channel: Channel,
    fake: FakeWhatsAppMedia,
    kind: str,
    content: bytes,
    mime_type: str,
    message: Any,
    shown: str,
) -> None:
    sent_as = "audio/ogg; codecs=opus" if kind == "audio" else mime_type
    media_id = fake.add_file(content, sent_as)

    deliver(channel, webhook_delivery(message(media_id, content)))

    media = MentionMedia.objects.get()
    assert (media.kind, media.mime_type, bytes(media.content)) == (kind, mime_type, content)
    assert media.size_bytes == len(content) and media.organisation_id == world.org.pk
    mention = Mention.objects.get()
    assert mention.text.startswith("[") and "not kept" not in mention.text
    page = item_page(world, Item.objects.get(mention=mention))
    assert shown in page and media_url(world, media) in page
    served = client_of(world.bob).get(media_url(world, media))
    assert served.status_code == 200 and served.content == content
    assert served["Content-Type"] == mime_type
    assert served["X-Content-Type-Options"] == "nosniff"
    disposition = served["Content-Disposition"]
    assert disposition.startswith("attachment" if kind == "document" else "inline")
    # The download address is asked with the token, once.
    assert fake.downloads == 1


def test_the_caption_and_the_document_name_are_part_of_the_message(
    channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    media_id = fake.add_file(PDF, "application/pdf")

    deliver(
        channel, webhook_delivery(document_message(WAMID, media_id, PDF, "a/b/offerte.pdf", "Hier"))
    )

    assert Mention.objects.get().text == "[Document received on WhatsApp] offerte.pdf Hier"
    assert MentionMedia.objects.get().caption == "Hier"


def test_a_location_is_shown_with_its_name_address_and_a_map_link(
    world: World, channel: Channel
) -> None:
    deliver(channel, webhook_delivery(location_message(WAMID)))

    text = Mention.objects.get().text
    assert "Bakkerij Janssens · Veldstraat 1, 9000 Gent" in text
    link = (
        "https://www.openstreetmap.org/?mlat=51.054300&amp;mlon=3.717400#map=17/51.054300/3.717400"
    )
    assert link in item_page(world, Item.objects.get())
    assert not MentionMedia.objects.exists()


def test_a_contact_card_is_shown_with_name_and_phone_number(world: World, channel: Channel) -> None:
    deliver(channel, webhook_delivery(contacts_message(WAMID)))

    assert "Jan Peeters · +32 470 11 22 33" in Mention.objects.get().text
    assert "Jan Peeters · +32 470 11 22 33" in item_page(world, Item.objects.get())


def test_an_unsupported_message_is_stored_with_whatsapps_reason(
    world: World, channel: Channel
) -> None:
    deliver(channel, webhook_delivery(unsupported_message(WAMID)))

    text = Mention.objects.get().text
    assert "cannot receive: Message type is currently not supported" in text
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE
    assert "Message type is currently not supported" in item_page(world, Item.objects.get())


def test_an_oversized_file_is_not_kept_but_its_message_is_with_the_reason(
    world: World, channel: Channel, fake: FakeWhatsAppMedia, settings: Any
) -> None:
    settings.WHATSAPP_MEDIA_MAX_BYTES = 1024 * 1024
    media_id = fake.add_file(PDF, "application/pdf", report_size=3 * 1024 * 1024)

    deliver(channel, webhook_delivery(document_message(WAMID, media_id, PDF, "plan.pdf")))

    text = Mention.objects.get().text
    assert "The file is not kept: it is larger than 1 MB, the most Klankbord keeps." in text
    assert "plan.pdf" in text and not MentionMedia.objects.exists()
    assert fake.downloads == 0  # not even fetched
    assert "not kept" in item_page(world, Item.objects.get())


def test_a_file_larger_than_it_said_is_cut_off_and_not_kept(
    channel: Channel, fake: FakeWhatsAppMedia, settings: Any
) -> None:
    settings.WHATSAPP_MEDIA_MAX_BYTES = 1024 * 1024
    big = JPEG + b"\x00" * (2 * 1024 * 1024)
    media_id = fake.add_file(big, "image/jpeg", report_size=len(JPEG))

    deliver(channel, webhook_delivery(image_message(WAMID, media_id, big)))

    assert "larger than 1 MB" in Mention.objects.get().text
    assert not MentionMedia.objects.exists()


def test_a_type_we_do_not_keep_and_a_wrong_checksum_keep_the_message_without_file(
    channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    gif = fake.add_file(b"GIF89a\x01\x00\x01\x00", "image/gif")
    deliver(channel, webhook_delivery(image_message(WAMID, gif, b"GIF89a")))
    forged = fake.add_file(JPEG, "image/jpeg")
    deliver(channel, webhook_delivery(image_message(WAMID + "2", forged, b"something else")))

    texts = sorted(Mention.objects.values_list("text", flat=True))
    assert any("does not keep files of type image/gif" in text for text in texts)
    assert any("does not match its checksum" in text for text in texts)
    assert not MentionMedia.objects.exists()


def test_a_file_whatsapp_no_longer_has_keeps_the_message_with_the_reason(
    channel: Channel,
) -> None:
    deliver(channel, webhook_delivery(image_message(WAMID, "123456789", JPEG, "Kijk")))

    text = Mention.objects.get().text
    assert "[Image received on WhatsApp] The file is not kept: WhatsApp did not give it" in text
    assert text.endswith("Kijk")
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE


def test_a_download_that_fails_for_a_while_is_tried_again_then_kept_without_file(
    channel: Channel, fake: FakeWhatsAppMedia, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "backoff_seconds", lambda attempt, policy: 0)
    media_id = fake.add_file(JPEG, "image/jpeg")
    fake.failing_downloads = 3  # every try of one processing

    deliver(channel, webhook_delivery(image_message(WAMID, media_id, JPEG)))

    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.NEW and not Mention.objects.exists()
    meta_webhooks.event_process(event.pk)  # swept up again: now it comes
    assert bytes(MentionMedia.objects.get().content) == JPEG

    other = fake.add_file(JPEG, "image/jpeg")
    fake.failing_downloads = 1000
    deliver(channel, webhook_delivery(image_message(WAMID + "2", other, JPEG)))
    late = WebhookEvent.objects.get(key__endswith="2")
    WebhookEvent.objects.filter(pk=late.pk).update(attempts=meta_webhooks.MAX_ATTEMPTS - 1)
    meta_webhooks.event_process(late.pk)  # the last try keeps the message without its file
    mention = Mention.objects.get(remote_id__endswith="2")
    assert "The file is not kept: WhatsApp did not give it" in mention.text
    assert MentionMedia.objects.count() == 1


def test_a_download_address_outside_meta_gets_no_token(
    channel: Channel, fake: FakeWhatsAppMedia, monkeypatch: pytest.MonkeyPatch
) -> None:
    media_id = fake.add_file(JPEG, "image/jpeg")
    monkeypatch.setattr(
        fake,
        "media_info",
        lambda found: fake.json({"url": "https://attacker.example/x", "mime_type": "image/jpeg"}),
    )

    deliver(channel, webhook_delivery(image_message(WAMID, media_id, JPEG)))

    assert "download address we do not trust" in Mention.objects.get().text
    assert fake.downloads == 0


def test_the_file_is_404_for_another_organisation_and_for_strangers(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    media_id = fake.add_file(JPEG, "image/jpeg")
    deliver(channel, webhook_delivery(image_message(WAMID, media_id, JPEG)))
    media = MentionMedia.objects.get()

    charlie = client_of(world.charlie)
    assert charlie.get(media_url(world, media)).status_code == 404
    other = reverse("inbox_media", args=[world.other_org.slug, media.pk])
    assert charlie.get(other).status_code == 404
    assert Client().get(media_url(world, media)).status_code == 302  # to the login page


def alice_in(world: World) -> Membership:
    return Membership.objects.get(user=world.alice, organisation=world.org)


def customer_item(channel: Channel, fake: FakeWhatsAppMedia) -> Item:
    fake.customer_wrote(CUSTOMER_WA_ID)
    deliver(channel, webhook_delivery(location_message(WAMID)))
    return Item.objects.get()


def answer(world: World, item: Item, upload: SimpleUploadedFile, text: str = "") -> Any:
    url = reverse("inbox_item_reply", args=[world.org.slug, item.pk])
    return client_of(world.alice).post(url, {"text": text, "file": upload}, follow=True)


def message_posts(fake: FakeWhatsAppMedia) -> int:
    return sum(1 for method, path in fake.requests if method == "POST" and "/messages" in path)


def test_an_image_answer_is_uploaded_and_sent_once_and_shown_in_the_conversation(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    item = customer_item(channel, fake)

    page = answer(
        world, item, SimpleUploadedFile("taart.png", PNG, "image/png"), "Zo ziet ze eruit"
    )

    assert "Reply sent." in page.content.decode()
    [upload] = fake.uploads.values()
    assert (upload.content, upload.mime_type) == (PNG, "image/png")
    [sent] = fake.sent
    assert sent["type"] == "image" and sent["image"]["caption"] == "Zo ziet ze eruit"
    assert sent["image"]["id"] in fake.uploads and message_posts(fake) == 1
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.SENT
    stored = ReplyMedia.objects.get(reply=reply)
    assert bytes(stored.content) == PNG and stored.kind == "image"
    url = reverse("inbox_reply_media", args=[world.org.slug, item.pk, reply.pk])
    assert url in page.content.decode()
    served = client_of(world.bob).get(url)
    assert served.content == PNG and served["X-Content-Type-Options"] == "nosniff"
    assert client_of(world.charlie).get(url).status_code == 404


def test_a_pdf_answer_goes_out_as_a_document_with_its_name(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    item = customer_item(channel, fake)

    answer(world, item, SimpleUploadedFile("offerte.pdf", PDF, "application/pdf"))

    [sent] = fake.sent
    assert sent["type"] == "document"
    assert sent["document"]["filename"] == "offerte.pdf" and "caption" not in sent["document"]
    assert Reply.objects.get().status == Reply.Status.SENT


def test_a_lost_image_answer_stays_unconfirmed_and_is_never_sent_twice(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    item = customer_item(channel, fake)
    fake.drop_after_accept = 1

    answer(world, item, SimpleUploadedFile("taart.jpg", JPEG, "image/jpeg"), "Deze?")
    page = answer(world, item, SimpleUploadedFile("taart.jpg", JPEG, "image/jpeg"), "Deze?")

    assert Reply.objects.get().status == Reply.Status.UNCONFIRMED
    assert "may have gone out already" in page.content.decode()
    assert message_posts(fake) == 1 and len(fake.sent) == 1


def test_a_file_that_is_not_an_image_or_pdf_is_refused_and_the_words_are_kept(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    item = customer_item(channel, fake)
    disguised = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script>", "image/jpeg")

    page = answer(world, item, disguised, "Kijk eens")

    assert "Send a JPEG or PNG image or a PDF document." in page.content.decode()
    assert not fake.uploads and not fake.sent and not Reply.objects.exists()
    item.refresh_from_db()
    assert item.draft == "Kijk eens"


def test_an_image_over_five_megabytes_is_refused_before_uploading(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    item = customer_item(channel, fake)
    big = SimpleUploadedFile("groot.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), "image/jpeg")

    page = answer(world, item, big)

    assert "larger than 5 MB" in page.content.decode()
    assert not fake.uploads and not Reply.objects.exists()


def customer_sent_photo_and_got_answer(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> Item:
    fake.customer_wrote(CUSTOMER_WA_ID)
    media_id = fake.add_file(JPEG, "image/jpeg")
    deliver(channel, webhook_delivery(image_message(WAMID, media_id, JPEG, "Mijn taart")))
    item = Item.objects.get()
    answer(world, item, SimpleUploadedFile("antwoord.png", PNG, "image/png"), "Mooi!")
    assert ReplyMedia.objects.count() == 1 and MentionMedia.objects.count() == 1
    return item


def test_the_authors_export_holds_their_files(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    customer_sent_photo_and_got_answer(world, channel, fake)

    exported = author_export(alice_in(world), f"+{CUSTOMER_WA_ID}")

    [mention] = exported["mentions"]
    [media] = mention["media"]
    assert base64.b64decode(media["content_base64"]) == JPEG
    assert (media["kind"], media["mime_type"], media["caption"]) == (
        "image",
        "image/jpeg",
        "Mijn taart",
    )


def test_erasing_the_author_removes_their_conversation_and_files(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    customer_sent_photo_and_got_answer(world, channel, fake)
    # The number as someone would type it.
    erased = author_erase(alice_in(world), "+32 475 98 76 54")

    assert erased == 1
    assert not Mention.objects.exists() and not Item.objects.exists()
    assert not MentionMedia.objects.exists() and not ReplyMedia.objects.exists()
    # They stay out: a new photo of theirs is not stored, not even fetched.
    media_id = fake.add_file(JPEG, "image/jpeg")
    downloads = fake.downloads
    deliver(channel, webhook_delivery(image_message(WAMID + "3", media_id, JPEG)))
    assert not Mention.objects.exists() and not MentionMedia.objects.exists()
    assert fake.downloads == downloads


def test_retention_removes_files_with_their_messages(
    world: World, channel: Channel, fake: FakeWhatsAppMedia
) -> None:
    customer_sent_photo_and_got_answer(world, channel, fake)
    ListeningSettings.objects.create(organisation=world.org, retention_days=30)

    retention_apply(now=timezone.now() + timedelta(days=31))

    assert not Mention.objects.exists()
    assert not MentionMedia.objects.exists() and not ReplyMedia.objects.exists()
