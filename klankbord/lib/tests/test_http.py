"""The HTTP seam: retries only what is safe, honours Retry-After, caps sizes, tracks budgets."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.lib import http

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_retry_after_in_seconds_and_as_a_date() -> None:
    assert http.parse_retry_after("120", NOW) == NOW + timedelta(seconds=120)
    assert http.parse_retry_after("Mon, 23 Nov 2026 12:05:00 GMT", NOW) == NOW + timedelta(
        minutes=5
    )
    assert http.parse_retry_after("soon", NOW) is None


def test_mastodon_and_bluesky_rate_limit_headers() -> None:
    mastodon = httpx.Headers(
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-11-23T12:10:00.000Z"}
    )
    assert http.parse_rate_limit(mastodon, NOW) == (0, NOW + timedelta(minutes=10))
    bluesky = httpx.Headers({"RateLimit-Remaining": "42", "RateLimit-Reset": "1795435200"})
    remaining, reset_at = http.parse_rate_limit(bluesky, NOW)
    assert remaining == 42
    assert reset_at == datetime.fromtimestamp(1795435200, UTC)


def test_a_get_is_retried_after_a_server_error(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    sleeps = Sleeps()
    response = http.request("GET", httpserver.url_for("/x"), sleep=sleeps)
    assert response.text == "ok"
    assert len(sleeps) == 1


def test_retry_after_is_honoured(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "4"}
    )
    httpserver.expect_ordered_request("/x").respond_with_data("ok")
    sleeps = Sleeps()
    assert http.request("GET", httpserver.url_for("/x"), sleep=sleeps).text == "ok"
    assert 3 <= sleeps[0] <= 4


@pytest.mark.parametrize("seconds", ["20", "3600"])
def test_a_long_retry_after_is_handed_back_instead_of_slept(
    httpserver: HTTPServer, seconds: str
) -> None:
    # 20 s is Mastodon's usual window: a worker slot waiting it out holds up posts behind it.
    httpserver.expect_request("/x").respond_with_data(
        "later", status=429, headers={"Retry-After": seconds}
    )
    sleeps = Sleeps()
    with pytest.raises(http.RateLimited) as caught:
        http.request("GET", httpserver.url_for("/x"), sleep=sleeps)
    assert caught.value.retry_at > http.now_utc() + timedelta(seconds=int(seconds) - 2)
    assert sleeps == []


def test_a_post_is_never_retried_automatically(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/statuses", method="POST").respond_with_data("oops", status=502)
    response = http.request("POST", httpserver.url_for("/statuses"), json={"status": "hi"})
    assert response.status_code == 502
    assert len(httpserver.log) == 1


def test_a_rate_limited_post_raises_without_retrying(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/statuses", method="POST").respond_with_data("", status=429)
    with pytest.raises(http.RateLimited):
        http.request("POST", httpserver.url_for("/statuses"), json={})
    assert len(httpserver.log) == 1


def test_a_post_with_an_idempotency_key_may_be_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/statuses", method="POST").respond_with_data("", status=503)
    httpserver.expect_ordered_request("/statuses", method="POST").respond_with_data("{}")
    response = http.request(
        "POST", httpserver.url_for("/statuses"), idempotent=True, sleep=Sleeps(), json={}
    )
    assert response.status_code == 200


def test_a_lost_answer_to_a_post_is_ambiguous(httpserver: HTTPServer) -> None:
    def hang(request: Request) -> Response:
        import time

        time.sleep(1.5)
        return Response("late")

    httpserver.expect_request("/statuses", method="POST").respond_with_handler(hang)
    with pytest.raises(http.AmbiguousOutcome):
        http.request(
            "POST", httpserver.url_for("/statuses"), policy=http.Policy(timeout=0.5), json={}
        )
    assert len(httpserver.log) <= 1


def test_a_timeout_on_a_get_is_retried() -> None:
    calls = []

    def first_hangs(request: Request) -> Response:
        import time

        calls.append(request.path)
        if len(calls) == 1:
            time.sleep(3.0)
        return Response("ok" if len(calls) > 1 else "late")

    # A threaded server, so the retry is answered while the first request still hangs.
    server = HTTPServer(threaded=True)
    server.start()
    try:
        server.expect_request("/x").respond_with_handler(first_hangs)
        response = http.request(
            "GET", server.url_for("/x"), policy=http.Policy(timeout=0.5, attempts=4), sleep=Sleeps()
        )
        assert response.text == "ok"
        assert len(calls) >= 2
    finally:
        server.clear()
        server.stop()


def test_a_refused_connection_is_reported(unused_port: int) -> None:
    with pytest.raises(http.HttpError, match="cannot connect"):
        http.request("POST", f"http://127.0.0.1:{unused_port}/", sleep=Sleeps(), json={})


def test_an_oversized_response_is_cut_off(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data("x" * 5000)
    with pytest.raises(http.ResponseTooLarge):
        http.request("GET", httpserver.url_for("/big"), policy=http.Policy(max_bytes=1000))


def test_redirects_are_followed_up_to_a_limit(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("here")
    assert http.request("GET", httpserver.url_for("/a")).text == "here"
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    with pytest.raises(http.HttpError, match="too many redirects"):
        http.request("GET", httpserver.url_for("/loop"))


def test_the_budget_blocks_calls_until_the_reset(httpserver: HTTPServer) -> None:
    reset = (http.now_utc() + timedelta(minutes=5)).isoformat()
    httpserver.expect_request("/x").respond_with_data(
        "ok", headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    )
    budget = http.MemoryBudget()
    http.request("GET", httpserver.url_for("/x"), budget=budget, budget_key="acct-1")
    with pytest.raises(http.RateLimited):
        http.request("GET", httpserver.url_for("/x"), budget=budget, budget_key="acct-1")
    assert len(httpserver.log) == 1
    http.request("GET", httpserver.url_for("/x"), budget=budget, budget_key="acct-2")


def test_gzip_bodies_arrive_decoded(httpserver: HTTPServer) -> None:
    import gzip

    httpserver.expect_request("/z").respond_with_data(
        gzip.compress(b"<rss/>"), headers={"Content-Encoding": "gzip"}
    )
    assert http.request("GET", httpserver.url_for("/z")).content == b"<rss/>"
