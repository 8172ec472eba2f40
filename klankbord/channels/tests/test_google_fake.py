"""The fake Google answers with the paths, parameters and fields Google's discovery documents
define (v1 APIs); the v4 fields are those of the documentation pages in google_specs/README.md."""

import json
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from klankbord.channels.networks import google
from klankbord.channels.tests.fakes.google import STAR_NAMES, FakeGoogle, FakeLocation

SPECS = Path(__file__).parent / "fakes" / "google_specs"
REVIEW_FIELDS = {
    "name",
    "reviewId",
    "reviewer",
    "starRating",
    "comment",
    "createTime",
    "updateTime",
    "reviewReply",
    "reviewMediaItems",
}
LOCAL_POST_FIELDS = {
    "name",
    "languageCode",
    "summary",
    "callToAction",
    "createTime",
    "updateTime",
    "event",
    "state",
    "media",
    "searchUrl",
    "topicType",
    "alertType",
    "offer",
}


def discovery(name: str) -> dict[str, Any]:
    return json.loads((SPECS / f"{name}.v1.json").read_text())


def unknown_fields(spec: dict[str, Any], schema: str, value: Any, at: str = "") -> list[str]:
    """Every key of `value` the schema (followed through $ref, items, maps) does not define."""
    found = spec["schemas"][schema]
    return _check(spec, found, value, at or schema)


def _check(spec: dict[str, Any], schema: dict[str, Any], value: Any, at: str) -> list[str]:
    if "$ref" in schema:
        return _check(spec, spec["schemas"][schema["$ref"]], value, at)
    if isinstance(value, list):
        return [
            p
            for n, item in enumerate(value)
            for p in _check(spec, schema.get("items", {}), item, f"{at}[{n}]")
        ]
    if not isinstance(value, dict) or "properties" not in schema:
        return []
    problems = []
    for key, item in value.items():
        if key not in schema["properties"]:
            problems.append(f"{at}.{key}")
        else:
            problems += _check(spec, schema["properties"][key], item, f"{at}.{key}")
    return problems


@pytest.fixture
def token(fake_google: FakeGoogle) -> str:
    return fake_google.issue()[1]


def get(fake: FakeGoogle, token: str, path: str, **params: Any) -> dict[str, Any]:
    response = httpx.get(
        f"{fake.base_url}{path}", params=params, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_accounts_are_account_management_accounts(fake_google: FakeGoogle, token: str) -> None:
    spec = discovery("mybusinessaccountmanagement")
    method = spec["resources"]["accounts"]["methods"]["list"]
    assert method["path"] == "v1/accounts" and "pageSize" in method["parameters"]
    body = get(fake_google, token, "/v1/accounts", pageSize=20)
    assert unknown_fields(spec, "ListAccountsResponse", body) == []


def test_locations_are_business_information_locations(fake_google: FakeGoogle, token: str) -> None:
    spec = discovery("mybusinessbusinessinformation")
    method = spec["resources"]["accounts"]["resources"]["locations"]["methods"]["list"]
    assert method["path"] == "v1/{+parent}/locations"
    assert {"readMask", "pageSize", "pageToken"} <= set(method["parameters"])
    assert method["parameters"]["readMask"]["description"].startswith("Required.")
    fake_google.page_size_cap = 2  # two pages, to follow nextPageToken
    account = fake_google.accounts[0]["name"]
    body = get(fake_google, token, f"/v1/{account}/locations", readMask=google.LOCATION_FIELDS)
    assert unknown_fields(spec, "ListLocationsResponse", body) == []
    assert body["nextPageToken"]
    for field in google.LOCATION_FIELDS.split(","):
        assert field in spec["schemas"]["Location"]["properties"]
    got = spec["resources"]["locations"]["methods"]["get"]
    assert got["path"] == "v1/{+name}" and "readMask" in got["parameters"]


def test_the_connector_reads_every_location_over_pages(fake_google: FakeGoogle, token: str) -> None:
    fake_google.page_size_cap = 2
    found = google.locations_of(token, allow_loopback=True)
    assert [location.name for location in found] == list(fake_google.locations)


def test_performance_is_a_multi_daily_metric_time_series(
    fake_google: FakeGoogle, token: str
) -> None:
    spec = discovery("businessprofileperformance")
    method = spec["resources"]["locations"]["methods"]["fetchMultiDailyMetricsTimeSeries"]
    assert method["path"] == "v1/{+location}:fetchMultiDailyMetricsTimeSeries"
    assert set(google.DAILY_METRICS) <= set(method["parameters"]["dailyMetrics"]["enum"])
    fake_google.location(0).metrics = {"CALL_CLICKS": {date(2026, 11, 2): 3}}
    days = {"startDate": "1", "endDate": "3"}
    dated = [
        (f"dailyRange.{which}.{part}", value)
        for which, day in days.items()
        for part, value in (("year", "2026"), ("month", "11"), ("day", day))
    ]
    local = fake_google.location(0).local
    response = httpx.get(
        f"{fake_google.base_url}/v1/{local}:fetchMultiDailyMetricsTimeSeries",
        params=[("dailyMetrics", "CALL_CLICKS"), ("dailyMetrics", "WEBSITE_CLICKS"), *dated],
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert set(parse_qs(urlsplit(str(response.request.url)).query)) <= set(method["parameters"])
    assert unknown_fields(spec, "FetchMultiDailyMetricsTimeSeriesResponse", body) == []
    assert google.daily_values(body)[date(2026, 11, 2)]["calls"] == 3


def test_reviews_and_local_posts_have_the_documented_fields(
    fake_google: FakeGoogle, token: str
) -> None:
    location = fake_google.location(0)
    review = fake_google.add_review(location, 2, "Koud")
    review["reviewReply"] = {"comment": "Sorry", "updateTime": review["updateTime"]}
    body = get(fake_google, token, f"/v4/{location.name}/reviews", orderBy="updateTime desc")
    assert set(body) <= {"reviews", "averageRating", "totalReviewCount", "nextPageToken"}
    assert set(body["reviews"][0]) <= REVIEW_FIELDS
    assert body["reviews"][0]["starRating"] in STAR_NAMES.values()
    created = httpx.post(
        f"{fake_google.base_url}/v4/{location.name}/localPosts",
        json={"languageCode": "nl", "summary": "Nieuw", "topicType": "STANDARD"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert set(created) <= LOCAL_POST_FIELDS


def test_errors_are_googles_error_body(fake_google: FakeGoogle) -> None:
    response = httpx.get(f"{fake_google.base_url}/v1/accounts")
    assert response.status_code == 401
    error = response.json()["error"]
    assert set(error) == {"code", "message", "status", "errors"}
    assert (error["code"], error["status"]) == (401, "UNAUTHENTICATED")
    refused = httpx.post(
        f"{fake_google.base_url}/token",
        data={"grant_type": "refresh_token", "refresh_token": "nope",
              "client_id": fake_google.client_id, "client_secret": fake_google.client_secret},
    )  # fmt: skip
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_a_location_listed_under_two_accounts_is_offered_once(
    fake_google: FakeGoogle, token: str
) -> None:
    personal = "accounts/1170000000002"
    fake_google.accounts.insert(0, {"name": personal, "accountName": "Els Vandevelde"})
    shared = fake_google.location(0)
    copy = FakeLocation(personal, shared.local, shared.title, shared.address_line,
                        shared.postal_code, shared.locality)  # fmt: skip
    fake_google.locations[copy.name] = copy
    found = google.locations_of(token, allow_loopback=True)
    assert [location.name for location in found].count(copy.name) == 1
    assert len(found) == 3
