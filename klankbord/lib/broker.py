"""The embedded broker: kombu's SQLAlchemy transport, polled often enough for a burst of posts.

kombu polls a database broker once a second, which caps each worker at a few tasks a second
when many posts are due in the same minute. Polling every 0.1 s while idle costs a worker
2 to 3 % of a core, so the wait doubles after each empty poll, up to IDLE_POLLING_INTERVAL, and is
short again after a message. Redis is not polled and needs none of this.
"""

from queue import Empty
from time import monotonic, sleep
from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport

POLLING_INTERVAL = 0.1
IDLE_POLLING_INTERVAL = 0.5


class DatabaseTransport(Transport):
    # Not the `polling_interval` broker transport option: kombu's SQLAlchemy transport hands
    # every transport option to SQLAlchemy's create_engine, which refuses this one.
    polling_interval = POLLING_INTERVAL

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self.wait_after_empty = self.polling_interval

    def drain_events(self, connection: Any, timeout: float | None = None, **kwargs: Any) -> None:
        """As kombu's, with a wait after an empty poll that grows while the queues stay empty."""
        started = monotonic()
        assert self.cycle is not None  # set when the first channel opens, as kombu assumes
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
            except Empty:
                if timeout is not None and monotonic() - started >= timeout:
                    raise TimeoutError() from None
                sleep(min(self.wait_after_empty, timeout or self.wait_after_empty))
                self.wait_after_empty = min(self.wait_after_empty * 2, IDLE_POLLING_INTERVAL)
            else:
                # A message often comes with more (a burst of due posts): poll fast again.
                self.wait_after_empty = self.polling_interval
                return


def register() -> None:
    """Make `sqla+…` broker URLs use this transport."""
    TRANSPORT_ALIASES["sqla"] = "klankbord.lib.broker:DatabaseTransport"
    TRANSPORT_ALIASES["sqlalchemy"] = "klankbord.lib.broker:DatabaseTransport"
