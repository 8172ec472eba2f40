"""The embedded database broker is polled often, so a burst of due posts goes out in seconds."""

from django.conf import settings

from klankbord.celery import app


def test_a_database_broker_is_polled_ten_times_a_second() -> None:
    if not settings.CELERY_BROKER_URL.startswith("sqla+"):
        assert "polling_interval" not in app.conf.broker_transport_options
        return
    with app.connection_for_read() as connection:
        assert connection.transport.polling_interval == 0.1  # kombu's default: 1 second
