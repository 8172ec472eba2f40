"""The embedded database broker is polled often, so a burst of due posts goes out in seconds."""

import time
from pathlib import Path
from queue import Empty

import pytest
from django.conf import settings
from kombu import Connection

from klankbord.lib.broker import IDLE_POLLING_INTERVAL, POLLING_INTERVAL, DatabaseTransport


def test_sqla_broker_urls_use_the_fast_polling_transport() -> None:
    import klankbord.celery  # noqa: F401 -- registers the transport, as every process does

    transport = Connection("sqla+sqlite:////tmp/broker.sqlite3").get_transport_cls()
    assert transport is DatabaseTransport
    assert transport.polling_interval == POLLING_INTERVAL < 1.0


def test_the_configured_broker_resolves() -> None:
    import klankbord.celery  # noqa: F401

    transport = Connection(settings.CELERY_BROKER_URL).get_transport_cls()
    if settings.CELERY_BROKER_URL.startswith("sqla+"):
        assert transport is DatabaseTransport
    else:
        assert transport is not DatabaseTransport


def test_kombu_would_hand_the_polling_option_to_sqlalchemy(tmp_path: Path) -> None:
    """Why lib/broker.py subclasses the transport: the transport option breaks the connection.
    When kombu stops passing it to create_engine, this fails and the subclass can go."""
    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    with (
        Connection(url, transport_options={"polling_interval": 0.1}) as connection,
        pytest.raises(TypeError, match="polling_interval"),
    ):
        connection.default_channel.session  # noqa: B018  (the first query makes the engine)


def test_an_idle_database_broker_is_polled_less_and_less_and_fast_again_after_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kombu.transport.sqlalchemy import Channel

    import klankbord.celery  # noqa: F401

    polls: list[float] = []
    real_get = Channel._get

    def counted_get(self: Channel, queue: str) -> object:
        polls.append(time.monotonic())
        return real_get(self, queue)

    monkeypatch.setattr(Channel, "_get", counted_get)
    with Connection(f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}") as connection:
        queue = connection.SimpleQueue("idle")
        with pytest.raises(Empty):
            queue.get(timeout=3)
        # Every 0.1 s would be 30 polls; doubling up to the idle interval needs about 8.
        assert len(polls) <= 3 / IDLE_POLLING_INTERVAL + 4
        assert connection.transport.wait_after_empty == IDLE_POLLING_INTERVAL

        queue.put({"due": "now"})
        assert queue.get(timeout=3).payload == {"due": "now"}
        assert connection.transport.wait_after_empty == POLLING_INTERVAL
        queue.close()
