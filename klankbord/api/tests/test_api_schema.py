"""The OpenAPI document, its browsable docs, and JSON 404s for unknown API paths."""

from django.test import Client

from klankbord.test import World

OUR_PATHS = {
    "/api/v1/me",
    "/api/v1/organisations",
    "/api/v1/organisations/{org_slug}",
    "/api/v1/organisations/{org_slug}/members",
    "/api/v1/organisations/{org_slug}/audit-events",
    "/api/v1/organisations/{org_slug}/channels",
    "/api/v1/organisations/{org_slug}/share-of-voice",
    "/api/v1/organisations/{org_slug}/posts",
    "/api/v1/organisations/{org_slug}/posts/{post_id}",
    "/api/v1/organisations/{org_slug}/posts/{post_id}/cancel",
    "/api/v1/organisations/{org_slug}/inbox",
    "/api/v1/organisations/{org_slug}/inbox/{item_id}",
    "/api/v1/organisations/{org_slug}/inbox/{item_id}/assign",
    "/api/v1/organisations/{org_slug}/inbox/{item_id}/status",
    "/api/v1/organisations/{org_slug}/inbox/{item_id}/reply",
    "/api/v1/organisations/{org_slug}/plan",
    "/api/v1/organisations/{org_slug}/plan/steps/{step}",
    "/api/v1/organisations/{org_slug}/plan/versions",
    "/api/v1/organisations/{org_slug}/results",
    "/api/v1/organisations/{org_slug}/client-reports",
    "/api/v1/organisations/{org_slug}/client-reports/{client_report_id}",
    "/api/v1/organisations/{org_slug}/report-links",
    "/api/v1/organisations/{org_slug}/report-links/{report_link_id}/revoke",
    "/api/v1/organisations/{org_slug}/assistant/suggest",
    "/api/v1/organisations/{org_slug}/time-entries",
    "/api/v1/organisations/{org_slug}/return",
}


def test_the_schema_is_openapi_3_json_listing_our_paths(db: None, client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Klankbord API"
    assert set(schema["paths"]) == OUR_PATHS
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert "Error" in schema["components"]["schemas"]
    members = schema["paths"]["/api/v1/organisations/{org_slug}/members"]["get"]
    assert {"200", "401", "403", "404"} <= set(members["responses"])


def test_the_docs_page_renders(db: None, client: Client) -> None:
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert "swagger-ui" in response.text
    # The start-up script is a file of its own (no inline script), and it loads the schema.
    assert '<script src="/api/v1/docs/?script="></script>' in response.text
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    assert "/api/v1/openapi.json" in script.text


def test_an_unknown_api_path_is_a_json_404(world: World) -> None:
    for client in (Client(HTTP_ACCEPT_LANGUAGE="en"), logged_in(world)):
        for method in ("get", "post"):
            response = getattr(client, method)("/api/v1/whatever")
            assert response.status_code == 404, method
            assert response["Content-Type"] == "application/json"
            assert response.json() == {"detail": "Not found."}


def logged_in(world: World) -> Client:
    client = Client()
    client.force_login(world.alice)
    return client


def test_an_optional_text_lets_an_empty_string_match_exactly_once(db: None, client: Client) -> None:
    """A blank name must not match two branches of a oneOf: clients would reject it."""
    name = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["User"]
    name = name["properties"]["name"]
    assert "oneOf" not in name
    assert name["type"] == "string" and name["maxLength"] == 150 and not name.get("minLength")
