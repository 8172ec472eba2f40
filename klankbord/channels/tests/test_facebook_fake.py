"""The fake Graph API answers as Graph does: shapes, paging, token and throttling errors."""

import json

import httpx

from klankbord.channels.tests.fakes.facebook import APP_ID, APP_SECRET, FakeFacebook


def get(fake: FakeFacebook, path: str, token: str = "", **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{fake.base_url}/v24.0{path}", params=params, headers=headers)


def user_token(fake: FakeFacebook) -> str:
    redirect_uri = "http://testserver/back/"
    dialog = get(fake, "/dialog/oauth", client_id=APP_ID, redirect_uri=redirect_uri, state="s")
    code = httpx.URL(dialog.headers["location"]).params["code"]
    body = get(
        fake,
        "/oauth/access_token",
        client_id=APP_ID,
        client_secret=APP_SECRET,
        redirect_uri=redirect_uri,
        code=code,
    ).json()
    return str(body["access_token"])


def test_the_login_dialog_returns_a_code_once_and_with_the_state(
    fake_facebook: FakeFacebook,
) -> None:
    redirect_uri = "http://testserver/back/"
    dialog = get(
        fake_facebook, "/dialog/oauth", client_id=APP_ID, redirect_uri=redirect_uri, state="xyz"
    )
    location = httpx.URL(dialog.headers["location"])
    assert location.params["state"] == "xyz"
    args = {"client_id": APP_ID, "client_secret": APP_SECRET, "redirect_uri": redirect_uri}
    first = get(fake_facebook, "/oauth/access_token", code=location.params["code"], **args)
    again = get(fake_facebook, "/oauth/access_token", code=location.params["code"], **args)
    assert first.json()["token_type"] == "bearer"
    assert again.status_code == 400
    assert again.json()["error"]["error_subcode"] == 36008


def test_a_short_lived_token_is_exchanged_for_a_long_lived_one(fake_facebook: FakeFacebook) -> None:
    body = get(
        fake_facebook,
        "/oauth/access_token",
        grant_type="fb_exchange_token",
        client_id=APP_ID,
        client_secret=APP_SECRET,
        fb_exchange_token=user_token(fake_facebook),
    ).json()
    assert body["expires_in"] > 50 * 86400
    debug = get(
        fake_facebook,
        "/debug_token",
        input_token=body["access_token"],
        access_token=f"{APP_ID}|{APP_SECRET}",
    ).json()["data"]
    assert debug["is_valid"] and debug["type"] == "USER"
    assert "pages_manage_posts" in debug["scopes"]


def test_pages_are_listed_with_their_tokens_in_pages_with_cursors(
    fake_facebook: FakeFacebook,
) -> None:
    fake_facebook.add_page("Bakkerij Vandevelde Leuven")
    token = user_token(fake_facebook)
    first = get(fake_facebook, "/me/accounts", token, limit="2").json()
    assert [page["name"] for page in first["data"]][:1] == ["Bakkerij Vandevelde"]
    assert all(page["access_token"] for page in first["data"])
    rest = httpx.get(first["paging"]["next"], headers={"Authorization": f"Bearer {token}"}).json()
    assert [page["name"] for page in rest["data"]] == ["Bakkerij Vandevelde Leuven"]
    assert "next" not in rest["paging"]


def test_an_expired_token_is_error_190_with_its_subcode(fake_facebook: FakeFacebook) -> None:
    page = fake_facebook.first_page()
    fake_facebook.break_token(page["access_token"], 460)
    response = get(fake_facebook, f"/{page['id']}", page["access_token"])
    error = response.json()["error"]
    assert response.status_code == 400
    assert (error["code"], error["error_subcode"], error["type"]) == (190, 460, "OAuthException")
    assert error["fbtrace_id"]


def test_throttling_is_an_error_code_in_a_400_not_a_429(fake_facebook: FakeFacebook) -> None:
    page = fake_facebook.first_page()
    fake_facebook.throttle(32, status=403)
    response = get(fake_facebook, f"/{page['id']}", page["access_token"])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == 32


def test_every_answer_carries_the_usage_headers_in_percent(fake_facebook: FakeFacebook) -> None:
    fake_facebook.page_usage = {"call_count": 85, "total_cputime": 10, "total_time": 12}
    page = fake_facebook.first_page()
    response = get(fake_facebook, f"/{page['id']}", page["access_token"])
    assert json.loads(response.headers["X-Page-Usage"])["call_count"] == 85
    assert set(json.loads(response.headers["X-App-Usage"])) == {
        "call_count",
        "total_cputime",
        "total_time",
    }


def test_a_multi_photo_post_attaches_unpublished_photos(fake_facebook: FakeFacebook) -> None:
    page = fake_facebook.first_page()
    headers = {"Authorization": f"Bearer {page['access_token']}"}
    base = f"{fake_facebook.base_url}/v24.0/{page['id']}"
    ids = [
        httpx.post(
            f"{base}/photos",
            headers=headers,
            data={"published": "false", "alt_text_custom": f"foto {n}"},
            files={"source": ("a.png", b"png", "image/png")},
        ).json()["id"]
        for n in (1, 2)
    ]
    data = {f"attached_media[{i}]": json.dumps({"media_fbid": m}) for i, m in enumerate(ids)}
    post = httpx.post(f"{base}/feed", headers=headers, data={"message": "Twee", **data}).json()
    listed = get(
        fake_facebook,
        f"/{page['id']}/published_posts",
        page["access_token"],
        fields="id,message,attachments",
    ).json()
    assert listed["data"][0]["id"] == post["id"]
    album = listed["data"][0]["attachments"]["data"][0]
    assert [a["target"]["id"] for a in album["subattachments"]["data"]] == ids
    assert [fake_facebook.photos[i]["alt_text"] for i in ids] == ["foto 1", "foto 2"]


def test_a_user_token_cannot_post_as_the_page(fake_facebook: FakeFacebook) -> None:
    page = fake_facebook.first_page()
    response = httpx.post(
        f"{fake_facebook.base_url}/v24.0/{page['id']}/feed",
        headers={"Authorization": f"Bearer {user_token(fake_facebook)}"},
        data={"message": "Hallo"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == 200
