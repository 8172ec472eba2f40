"""A file sent with an answer (WhatsApp: one image or PDF), checked by its first bytes rather
than its name, and the files of messages and answers as the browser gets them."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from klankbord.channels.networks import whatsapp_media
from klankbord.channels.networks.base import Media
from klankbord.inbox.models import Reply, ReplyMedia
from klankbord.listening.models import MentionMedia, StoredMedia

# Networks whose answers may carry a file.
FILE_NETWORKS = frozenset({"whatsapp"})
# What each accepted type starts with.
SIGNATURES = {
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "application/pdf": b"%PDF-",
}
# Shown in the page (an image, a voice note, a video); everything else is only downloaded.
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "audio/ogg",
        "audio/mpeg",
        "audio/mp4",
        "audio/aac",
        "audio/amr",
        "video/mp4",
        "video/3gpp",
    }
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime_type: str
    content: bytes

    @property
    def kind(self) -> str:
        return whatsapp_media.outgoing_kind(self.mime_type)


def attachment_read(upload: UploadedFile) -> Attachment:
    """The uploaded file, or ValidationError saying what is accepted."""
    head = upload.read(8)
    mime_type = next((t for t, start in SIGNATURES.items() if head.startswith(start)), "")
    if not mime_type:
        raise ValidationError(_("Send a JPEG or PNG image or a PDF document."))
    kind = whatsapp_media.outgoing_kind(mime_type)
    cap = whatsapp_media.outgoing_limit(kind)
    if (upload.size or 0) > cap:
        raise ValidationError(
            _("This file is larger than %(size)s, the most WhatsApp takes for this type.")
            % {"size": whatsapp_media.megabytes(cap)}
        )
    upload.seek(0)
    default = "image" if kind == "image" else "document.pdf"
    name = whatsapp_media.filename_clean(upload.name or "") or default
    return Attachment(filename=name, mime_type=mime_type, content=upload.read())


def reply_media_add(*, reply: Reply, attachment: Attachment, caption: str) -> ReplyMedia:
    return ReplyMedia.objects.create(
        reply=reply,
        kind=attachment.kind,
        mime_type=attachment.mime_type,
        filename=attachment.filename,
        size_bytes=len(attachment.content),
        sha256=hashlib.sha256(attachment.content).hexdigest(),
        content=attachment.content,
        caption=caption,
    )


def media_of(reply: Reply) -> tuple[Media, ...]:
    """The file an answer carries, as the network module sends it."""
    found = ReplyMedia.objects.filter(reply=reply).first()
    if found is None:
        return ()
    return (Media(bytes(found.content), found.mime_type, "", found.filename),)


def mention_media_or_404(organisation_id: int, media_id: int) -> MentionMedia:
    found = MentionMedia.objects.filter(pk=media_id, organisation_id=organisation_id).first()
    if found is None:
        raise Http404
    return found


def file_response(media: StoredMedia) -> HttpResponse:
    """The file with its own type only when the page shows it; anything else downloads as
    bytes, so no file sent to us can run as a page of ours."""
    inline = media.mime_type in INLINE_TYPES and media.kind != "document"
    known = INLINE_TYPES | whatsapp_media.ALLOWED["document"]
    content_type = media.mime_type if media.mime_type in known else "application/octet-stream"
    response = HttpResponse(bytes(media.content), content_type=content_type)
    name = media.filename or media.kind
    response["Content-Disposition"] = content_disposition_header(not inline, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
