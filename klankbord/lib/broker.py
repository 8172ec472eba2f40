"""The embedded broker: kombu's SQLAlchemy transport, polled often enough for a burst of posts.

kombu polls a database broker once a second, which caps each worker at a few tasks a second
when many posts are due in the same minute. Redis is not polled and needs none of this.
"""

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport

POLLING_INTERVAL = 0.1


class DatabaseTransport(Transport):
    # Not the `polling_interval` broker transport option: kombu's SQLAlchemy transport hands
    # every transport option to SQLAlchemy's create_engine, which refuses this one.
    polling_interval = POLLING_INTERVAL


def register() -> None:
    """Make `sqla+…` broker URLs use this transport."""
    TRANSPORT_ALIASES["sqla"] = "klankbord.lib.broker:DatabaseTransport"
    TRANSPORT_ALIASES["sqlalchemy"] = "klankbord.lib.broker:DatabaseTransport"
