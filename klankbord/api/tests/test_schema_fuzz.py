"""schemathesis drives every API operation from the OpenAPI schema, as two users of different
organisations: no server errors, responses match the schema, and nothing crosses over."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from klankbord.accounts.services import api_token_create
from klankbord.inbox import services as inbox_services
from klankbord.inbox.models import Item, Reply
from klankbord.listening.models import Mention
from klankbord.orgs.models import Membership
from klankbord.test import World
from klankbord.wsgi import application

# The same document /api/v1/openapi.json serves, built without a request.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@pytest.fixture(autouse=True)
def keep_test_connection_open() -> Iterator[None]:
    # As Django's test client does: requests must not close the test's transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def inbox(world: World) -> None:
    """An item in each inbox, so the lists and items have something to show."""
    for owner, org in [(world.alice, world.org), (world.charlie, world.other_org)]:
        mention = Mention.objects.create(
            organisation=org, network="rss", remote_id="1", key="k1", text="Open op zondag?",
            places=[{"name": "Gent", "lat": 51.05, "lon": 3.72, "near": True}],
            intents=["question"],
        )  # fmt: skip
        item = Item.objects.create(organisation=org, mention=mention, labels=["winkel"])
        membership = Membership.objects.get(user=owner, organisation=org)
        inbox_services.item_assign(item=item, assignee=owner, by=membership)
        inbox_services.note_add(item=item, by=membership, text="Wie weet dit?")
        Reply.objects.create(item=item, author=owner, text="Ja", idempotency_key=f"{org.pk}")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_holds_to_its_schema_for_every_user(
    case: schemathesis.Case, world: World, inbox: None
) -> None:
    for me, outsider, foreign_org in [
        (world.alice, world.charlie, world.other_org),
        (world.charlie, world.alice, world.org),
    ]:
        _token, secret = api_token_create(user=me, name="fuzz")
        response = case.call(headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code < 500, response.text
        # ignored_auth would strip auth, but a valid token is added on purpose here;
        # test_isolation.py covers anonymous access.
        case.validate_response(response, excluded_checks=[ignored_auth])
        assert foreign_org.slug not in response.text
        assert outsider.email not in response.text


# The address of an organisation of one's own is rarely guessed: the inbox is driven there.
inbox_schema = schema.include(path_regex="/inbox")


@inbox_schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_inbox_holds_to_its_schema_in_ones_own_organisation(
    case: schemathesis.Case, world: World, inbox: None
) -> None:
    # The organisation, the item and the token are replaced below with ones that exist: whatever
    # was generated wrong there is not what the answer is about.
    replaced = {ParameterLocation.PATH, ParameterLocation.HEADER}
    meta = case.meta
    if meta is not None and any(meta.is_negative_at(location) for location in replaced):
        return
    for me, outsider, org, foreign_org in [
        (world.alice, world.charlie, world.org, world.other_org),
        (world.charlie, world.alice, world.other_org, world.org),
    ]:
        case.path_parameters = {**(case.path_parameters or {}), "org_slug": org.slug}
        if "item_id" in case.path_parameters:
            case.path_parameters["item_id"] = Item.objects.get(organisation=org).pk
        _token, secret = api_token_create(user=me, name="fuzz")
        response = case.call(headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code < 500, response.text
        assert response.status_code not in (401, 403, 404), response.text
        # A schema-valid body may still be refused with 400 for what a schema cannot say: an
        # assignee who is no member, an item that came in through no connected account.
        case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])
        assert foreign_org.slug not in response.text
        assert outsider.email not in response.text
