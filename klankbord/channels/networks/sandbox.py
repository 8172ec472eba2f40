"""A practice network inside Klankbord: it accepts posts and answers with replies and mentions.

Nothing leaves the machine. Its addresses use the reserved `.invalid` domain so that no link
can ever be mistaken for a real post.
"""

import hashlib
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from klankbord.channels.networks.base import (
    Capability,
    Connector,
    Mention,
    MentionPage,
    Metrics,
    OutgoingPost,
    Profile,
    PublishedPost,
)

BASE_URL = "https://sandbox.klankbord.invalid"

SAMPLE_MENTIONS = [
    ("an_peeters", "An Peeters", "Wat een lekkere pistolets vanmorgen bij {name}! 🥐"),
    ("jeroen.gent", "Jeroen", "Iemand een goede bakker in de buurt van Leuven voor een taart?"),
    ("sofie_v", "Sofie V.", "Al twintig minuten wachten aan de kassa bij {name}, niet content."),
    ("marc1974", "Marc", "Zijn jullie zondag open? Ik zou graag een rozijnenbrood bestellen."),
    ("lotte_bakt", "Lotte", "Het zuurdesembrood van {name} is echt het beste van de stad."),
    ("pieter.k", "Pieter K", "Mijn bestelling was niet klaar op het afgesproken uur. Jammer."),
]


class SandboxConnector(Connector):
    network = "sandbox"
    label = _("Sandbox (practice — not a real network)")
    capabilities = frozenset(Capability)
    max_images = 4
    is_sandbox = True
    connect_with = "sandbox"

    def profile(self) -> Profile:
        handle = self.account.handle
        return Profile(
            external_id=self.account.external_id,
            handle=handle,
            display_name=self.account.settings.get("display_name", handle),
            profile_url=f"{BASE_URL}/@{handle}",
        )

    def _posts(self) -> dict[str, Any]:
        return dict(self.account.settings.get("posts", {}))

    def _save(self, **changes: Any) -> None:
        self.account.settings = {**self.account.settings, **changes}
        if self.store is not None:
            self.store.save_settings(self.account.settings)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        posts = self._posts()
        if post.idempotency_key in posts:
            return PublishedPost(**posts[post.idempotency_key])
        number = len(posts) + 1
        published = {
            "remote_id": f"sandbox-{number}",
            "url": f"{BASE_URL}/@{self.account.handle}/{number}",
        }
        posts[post.idempotency_key] = published
        self._save(posts=posts)
        return PublishedPost(**published)

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        found = self._posts().get(post.idempotency_key)
        return PublishedPost(**found) if found else None

    def mentions(self, cursor: str = "") -> MentionPage:
        seen = int(cursor or 0)
        items = self._all_mentions()
        return MentionPage(mentions=items[seen : seen + 20], cursor=str(min(len(items), seen + 20)))

    def _all_mentions(self) -> list[Mention]:
        name = self.account.settings.get("display_name", self.account.handle)
        now = datetime.now(UTC)
        items = [
            Mention(
                remote_id=f"sandbox-mention-{n}",
                url=f"{BASE_URL}/@{handle}/m{n}",
                author_handle=handle,
                author_name=author,
                text=text.format(name=name),
                created_at=now,
            )
            for n, (handle, author, text) in enumerate(SAMPLE_MENTIONS, start=1)
        ]
        for published in self._posts().values():
            items.append(
                Mention(
                    remote_id=f"{published['remote_id']}-reply",
                    url=f"{published['url']}/reply",
                    author_handle="an_peeters",
                    author_name="An Peeters",
                    text="Mooi! Staat dit ook op jullie website?",
                    created_at=now,
                    kind="reply",
                    in_reply_to=published["remote_id"],
                )
            )
        return items

    def search(self, query: str, cursor: str = "") -> MentionPage:
        words = query.lower().replace("#", "").split()
        hits = [m for m in self._all_mentions() if all(w in m.text.lower() for w in words)]
        return MentionPage(mentions=hits, cursor=cursor)

    def metrics(self, remote_ids: list[str]) -> dict[str, Metrics]:
        # Stable, made-up numbers: the sandbox is for practice, not for measuring.
        result = {}
        for remote_id in remote_ids:
            seed = hashlib.sha256(remote_id.encode()).digest()
            result[remote_id] = Metrics(
                likes=seed[0] % 40,
                shares=seed[1] % 8,
                replies=seed[2] % 5,
                # Seen by more people than reacted, as on a real network.
                views=200 + seed[3] * 4,
            )
        return result
