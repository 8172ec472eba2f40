"""The embedded database broker is polled often, so a burst of due posts goes out in seconds."""

from django.conf import settings
from kombu import Connection

from klankbord.lib.broker import POLLING_INTERVAL, DatabaseTransport


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
