"""The files that came with mentions (a WhatsApp photo, voice note or document): kept with their
mention, exported with it, and gone with it."""

import base64
import hashlib
from typing import Any, Protocol

from klankbord.listening.models import BlockedAuthor, Mention, MentionMedia


class File(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def mime_type(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def caption(self) -> str: ...
    @property
    def content(self) -> bytes: ...


def media_keep(*, mentions: list[Mention], fetched: File) -> MentionMedia | None:
    """Keep the file of the one stored mention it came with (none: dropped as a duplicate)."""
    if len(mentions) != 1 or not fetched.content:
        return None
    mention = mentions[0]
    return MentionMedia.objects.create(
        organisation_id=mention.organisation_id,
        mention=mention,
        kind=fetched.kind,
        mime_type=fetched.mime_type,
        filename=fetched.filename,
        size_bytes=len(fetched.content),
        sha256=hashlib.sha256(fetched.content).hexdigest(),
        content=fetched.content,
        caption=fetched.caption,
    )


def media_export(mention: Mention) -> list[dict[str, Any]]:
    """A mention's files for an author's export: described, with their bytes in base64."""
    return [
        {
            "kind": media.kind,
            "filename": media.filename,
            "mime_type": media.mime_type,
            "size_bytes": media.size_bytes,
            "sha256": media.sha256,
            "caption": media.caption,
            "content_base64": base64.b64encode(bytes(media.content)).decode("ascii"),
        }
        for media in mention.media.all()
    ]


def author_blocked(organisation_id: int, handle: str) -> bool:
    """Whether this author is blocked or was erased (as the pipeline tells): their files are
    not even fetched."""
    from klankbord.listening.privacy import bare, pseudonym  # privacy exports files too

    blocked = BlockedAuthor.objects.filter(organisation_id=organisation_id)
    names = {bare(name) for name in blocked.values_list("handle", flat=True)}
    return bare(handle) in names or pseudonym(organisation_id, handle) in names
