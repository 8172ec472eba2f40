"""The fake Threads API keeps Threads' own rules, so the connector's tests mean something."""

import httpx
import pytest

from klankbord.channels.tests.fakes.threads import FakeThreads, counted_length


@pytest.fixture
def api(fake_threads: FakeThreads) -> httpx.Client:
    token = fake_threads.issue()
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=f"{fake_threads.base_url}/v1.0", headers=headers)


def error_of(response: httpx.Response) -> dict[str, object]:
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "OAuthException" and error["fbtrace_id"]
    return dict(error)


def test_emoji_count_as_their_utf8_bytes() -> None:
    assert (counted_length("brood"), counted_length("🥐"), counted_length("é")) == (5, 4, 1)


def test_a_container_is_published_once(api: httpx.Client, fake_threads: FakeThreads) -> None:
    user = fake_threads.user["id"]
    container = api.post(f"/{user}/threads", data={"media_type": "TEXT", "text": "Hallo"}).json()
    first = api.post(f"/{user}/threads_publish", data={"creation_id": container["id"]})
    assert first.status_code == 200
    again = api.post(f"/{user}/threads_publish", data={"creation_id": container["id"]})
    assert "already been published" in str(error_of(again)["message"])
    status = api.get(f"/{container['id']}", params={"fields": "status"}).json()
    assert status["status"] == "PUBLISHED"
    assert fake_threads.texts() == ["Hallo"]


def test_an_image_must_be_fetched_over_https(api: httpx.Client, fake_threads: FakeThreads) -> None:
    user = fake_threads.user["id"]
    data = {"media_type": "IMAGE", "image_url": "http://bakkerij.example/1.png"}
    assert error_of(api.post(f"/{user}/threads", data=data))["code"] == 100
    fake_threads.fetch = lambda url: b""
    data["image_url"] = "https://bakkerij.example/1.png"
    made = api.post(f"/{user}/threads", data=data).json()
    status = api.get(f"/{made['id']}", params={"fields": "status,error_message"}).json()
    assert (status["status"], status["error_message"]) == ("ERROR", "FAILED_DOWNLOADING_IMAGE")


def test_a_carousel_has_2_to_20_items(api: httpx.Client, fake_threads: FakeThreads) -> None:
    user = fake_threads.user["id"]
    item = {
        "media_type": "IMAGE",
        "image_url": "https://x.example/1.png",
        "is_carousel_item": "true",
    }
    ids = [api.post(f"/{user}/threads", data=item).json()["id"] for _ in range(21)]
    for children in (ids[:1], ids):
        data = {"media_type": "CAROUSEL", "children": ",".join(children)}
        assert error_of(api.post(f"/{user}/threads", data=data))["code"] == 100
    data = {"media_type": "CAROUSEL", "children": ",".join(ids[:20])}
    assert api.post(f"/{user}/threads", data=data).status_code == 200


def test_lists_are_paged_with_cursors(api: httpx.Client, fake_threads: FakeThreads) -> None:
    user = fake_threads.user["id"]
    for n in range(3):
        made = api.post(f"/{user}/threads", data={"media_type": "TEXT", "text": f"n{n}"}).json()
        api.post(f"/{user}/threads_publish", data={"creation_id": made["id"]})
    first = api.get("/me/threads", params={"fields": "id,text", "limit": 2}).json()
    assert [t["text"] for t in first["data"]] == ["n2", "n1"] and first["paging"]["next"]
    after = first["paging"]["cursors"]["after"]
    rest = api.get("/me/threads", params={"fields": "id,text", "limit": 2, "after": after}).json()
    assert [t["text"] for t in rest["data"]] == ["n0"] and "next" not in rest["paging"]


def test_an_unknown_or_revoked_token_is_code_190(
    api: httpx.Client, fake_threads: FakeThreads
) -> None:
    assert error_of(httpx.get(f"{fake_threads.base_url}/v1.0/me"))["code"] == 190
    token = str(api.headers["Authorization"]).split(" ")[1]
    fake_threads.revoke(token)
    assert error_of(api.get("/me"))["error_subcode"] == 463
