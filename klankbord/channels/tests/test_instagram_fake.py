"""The fake Instagram Graph behaves as Meta documents it, so connector tests can trust it."""

from typing import Any

import httpx
import pytest

from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.channels.tests.fakes.instagram import FakeInstagram, jpeg

IMAGE = "https://klankbord.example/i/brood.jpg"


@pytest.fixture
def fake(fake_facebook: FakeFacebook) -> FakeInstagram:
    fake = FakeInstagram(fake_facebook)
    fake.serve_images({IMAGE: jpeg()})
    return fake


def graph(fake: FakeInstagram, method: str, path: str, token: str = "", **kwargs: Any) -> Any:
    token = token or fake.facebook.page_token(fake.page_id)
    return httpx.request(
        method,
        f"{fake.facebook.base_url}/v24.0{path}",
        headers={"Authorization": f"Bearer {token}"},
        **kwargs,
    )


def container(fake: FakeInstagram, **fields: str) -> str:
    answer = graph(fake, "POST", f"/{fake.user_id}/media", data={"image_url": IMAGE, **fields})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def error_of(answer: httpx.Response) -> tuple[int, int, int]:
    error = answer.json()["error"]
    return answer.status_code, error["code"], error.get("error_subcode", 0)


def test_the_page_shows_its_linked_account(fake: FakeInstagram) -> None:
    fields = "instagram_business_account{id,username,name,profile_picture_url}"
    answer = graph(fake, "GET", f"/{fake.page_id}", params={"fields": fields})
    assert answer.json()["instagram_business_account"]["id"] == fake.user_id


def test_a_field_the_node_does_not_have_is_refused(fake: FakeInstagram) -> None:
    media = fake.add_media("Brood")
    answer = graph(fake, "GET", f"/{media['id']}", params={"fields": "id,impressions"})
    assert error_of(answer) == (400, 100, 0)
    assert "nonexisting field (impressions) on node type (IGMedia)" in answer.text


def test_another_pages_token_does_not_speak_for_the_account(
    fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    other = next(p for p in fake_facebook.pages.values() if p["id"] != fake.page_id)
    answer = graph(fake, "GET", f"/{fake.user_id}", fake_facebook.page_token(other["id"]))
    assert error_of(answer) == (400, 100, 33)


def test_a_container_is_in_progress_then_finished_then_published_once(
    fake: FakeInstagram,
) -> None:
    fake.polls_in_progress = 1
    created = container(fake, caption="Brood")
    publish = {"creation_id": created}
    early = graph(fake, "POST", f"/{fake.user_id}/media_publish", data=publish)
    assert error_of(early) == (400, 9007, 2207027)
    states = [
        graph(fake, "GET", f"/{created}", params={"fields": "status_code"}).json()["status_code"]
        for _poll in range(2)
    ]
    assert states == ["IN_PROGRESS", "FINISHED"]
    first = graph(fake, "POST", f"/{fake.user_id}/media_publish", data=publish)
    assert first.status_code == 200 and first.json()["id"] in fake.media
    again = graph(fake, "POST", f"/{fake.user_id}/media_publish", data=publish)
    assert again.status_code == 400
    assert len(fake.media) == 1
    status = graph(fake, "GET", f"/{created}", params={"fields": "status_code,status"}).json()
    assert status["status_code"] == "PUBLISHED"


def test_an_expired_container_cannot_be_published(fake: FakeInstagram) -> None:
    created = container(fake)
    fake.expire(created)
    answer = graph(fake, "POST", f"/{fake.user_id}/media_publish", data={"creation_id": created})
    assert error_of(answer) == (400, -2, 2207020)


def test_by_default_meta_fetches_nothing(fake_facebook: FakeFacebook) -> None:
    fake = FakeInstagram(fake_facebook)
    answer = graph(fake, "POST", f"/{fake.user_id}/media", data={"image_url": IMAGE})
    assert error_of(answer) == (400, 9004, 2207052)


def test_the_publishing_limit_answers_usage_and_config(fake: FakeInstagram) -> None:
    fake.published_before = 3
    answer = graph(
        fake,
        "GET",
        f"/{fake.user_id}/content_publishing_limit",
        params={"fields": "quota_usage,config"},
    )
    assert answer.json() == {
        "data": [{"quota_usage": 3, "config": {"quota_total": 50, "quota_duration": 86400}}]
    }


@pytest.mark.parametrize("metric", ["impressions", "plays"])
def test_removed_insights_metrics_are_refused(metric: str, fake: FakeInstagram) -> None:
    media = fake.add_media("Brood")
    fake.view(media["id"], views=10)
    answer = graph(fake, "GET", f"/{media['id']}/insights", params={"metric": metric})
    assert error_of(answer) == (400, 100, 0)
    assert "views" in answer.json()["error"]["message"]


def test_facebooks_own_routes_still_answer_beside_instagrams(
    fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    post = fake_facebook._new_post(fake.page_id, "Facebook-post")
    answer = graph(fake, "GET", f"/{post['id']}", params={"fields": "id,message"})
    assert answer.json()["message"] == "Facebook-post"
