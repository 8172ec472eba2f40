"""The fake Meta servers and our connectors name only what Graph has.

Every field a fake serves, every parameter it reads and every field or parameter a connector
sends is checked against the node and edge definitions of Meta's own SDK, facebook-business
(its `adobjects`, generated from Graph's specs; a test-only dependency), and so is every
answer the fakes gave the connectors. A fake with a field the real API does not have, or a
connector asking for one, fails here. Threads (graph.threads.net) is not in that SDK.
"""

import importlib
import inspect
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import httpx
import pytest
from facebook_business.adobjects.abstractcrudobject import AbstractCrudObject
from facebook_business.api import FacebookRequest

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks import facebook, instagram
from klankbord.channels.networks.base import Media, OutgoingPost
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes import facebook as facebook_fake
from klankbord.channels.tests.fakes import instagram as instagram_fake
from klankbord.channels.tests.fakes.facebook import FakeFacebook, requested_fields
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram, jpeg
from klankbord.channels.tests.test_facebook import photo
from klankbord.channels.tests.test_facebook_fake import user_token
from klankbord.test import World

ADOBJECTS = "facebook_business.adobjects"
# Names Meta documents that facebook-business does not list, by node or by call; keep it short.
DOCUMENTED: dict[str, frozenset[str]] = {
    # No adobject: https://developers.facebook.com/docs/graph-api/reference/message/
    "Message": frozenset({"id", "message", "from", "created_time"}),
    # No adobject: https://developers.facebook.com/docs/graph-api/reference/story-attachment/
    "StoryAttachment": frozenset({"type", "target", "media", "url", "subattachments"}),
    # A Page as its admin's list shows it: https://developers.facebook.com/docs/graph-api/reference/user/accounts/
    "Page": frozenset({"tasks"}),
    # The image goes as a multipart file, the answer names the post too:
    # https://developers.facebook.com/docs/graph-api/reference/page/photos/#Creating
    "Page.create_photo": frozenset({"source", "post_id"}),
    # The Send API's answer: https://developers.facebook.com/docs/messenger-platform/reference/send-api/#response
    "Page.create_message": frozenset({"recipient_id", "message_id"}),
    # Hiding a comment answers {"success": true}: https://developers.facebook.com/docs/graph-api/reference/comment/#updating
    "Comment.api_update": frozenset({"success"}),
    # The same for Instagram: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment#updating
    "IGComment.api_update": frozenset({"success"}),
}
# Edges the SDK leaves untyped, and the node Meta documents for them (links above).
UNTYPED_EDGES = {
    ("UnifiedThread", "messages"): "Message",
    ("PagePost", "attachments"): "StoryAttachment",
}
# Every read takes these: https://developers.facebook.com/docs/graph-api/results (paging) and
# https://developers.facebook.com/docs/graph-api/guides/field-expansion
PAGING_PARAMS = frozenset({"fields", "limit", "after", "before", "since", "until"})

# The fakes that declare NODE_FIELDS, POST_PARAMS and ANSWER_FIELDS: one line per fake.
FAKES = [
    pytest.param(facebook_fake, id="facebook"),
    pytest.param(instagram_fake, id="instagram"),
]
# The `fields=` values our connectors send, with the node that answers them: one line each.
CONNECTOR_FIELDS = [
    pytest.param("Comment", facebook.COMMENT_FIELDS, id="facebook-comments"),
    pytest.param("PagePost", facebook.METRIC_FIELDS, id="facebook-metrics"),
    pytest.param("IGMedia", instagram.MEDIA_FIELDS, id="instagram-media"),
    pytest.param("IGComment", instagram.COMMENT_FIELDS, id="instagram-comments"),
    pytest.param("PagePost", facebook.POST_FIELDS, id="facebook-visitor-posts"),
    pytest.param("IGMedia", instagram.TAG_FIELDS, id="instagram-tags"),
    pytest.param("IGComment", instagram.MENTIONED_COMMENT_FIELDS, id="instagram-mentioned"),
]


# --- What facebook-business defines --------------------------------------------------------


def sdk_class(name: str) -> type[AbstractCrudObject] | None:
    try:
        module = importlib.import_module(f"{ADOBJECTS}.{name.lower()}")
    except ModuleNotFoundError:
        return None
    found = getattr(module, name, None)
    return found if isinstance(found, type) else None


@cache
def calls_of(node: str) -> dict[tuple[str, str], tuple[str, FacebookRequest]]:
    """Every call the SDK defines on a node: (HTTP method, edge) → (its method, its request);
    the edge "" is the node itself. Nothing is sent: each request is only built."""
    cls = sdk_class(node)
    if cls is None or not issubclass(cls, AbstractCrudObject):
        return {}  # a plain value object (a result, a struct): no calls of its own
    instance = cls(fbid="0")
    found = {}
    for attr, value in vars(cls).items():
        if not (attr.startswith(("get_", "create_")) or attr in ("api_get", "api_update")):
            continue
        if not (callable(value) and "pending" in inspect.signature(value).parameters):
            continue
        try:
            request = getattr(instance, attr)(pending=True)
        except SyntaxError:
            continue  # a generated module that does not compile (userexportforcam.py in 26.0.3)
        found[(request._method, request._endpoint)] = (attr, request)
    return found


def call(name: str) -> FacebookRequest:
    node, attr = name.split(".")
    cls = sdk_class(node)
    assert cls is not None, f"facebook-business has no node {node}"
    request: FacebookRequest = getattr(cls(fbid="0"), attr)(pending=True)
    return request


@cache
def field_names(node: str) -> frozenset[str]:
    """A node's fields and edges (an edge may be asked for as a field)."""
    cls = sdk_class(node)
    listed = {v for k, v in vars(cls.Field).items() if not k.startswith("_")} if cls else set()
    edges = {edge for (method, edge) in calls_of(node) if method == "GET" and edge}
    return frozenset(listed | edges | DOCUMENTED.get(node, frozenset()))


def inner_node(node: str, field: str) -> str:
    """The node a field or edge holds, "" when neither the SDK nor the docs tell."""
    if (node, field) in UNTYPED_EDGES:
        return UNTYPED_EDGES[(node, field)]
    edge = calls_of(node).get(("GET", field))
    if edge is not None and edge[1]._target_class is not AbstractCrudObject:
        return str(edge[1]._target_class.__name__)
    cls = sdk_class(node)
    kind = re.sub(r"^list<(.*)>$", r"\1", cls._field_types.get(field, "")) if cls else ""
    return kind if kind and sdk_class(kind) else ""


def unknown_fields(node: str, spec: str) -> list[str]:
    """What a `fields=` value names that the node does not have, down every nested field."""
    unknown = []
    for field, nested in requested_fields(spec).items():
        if field not in field_names(node):
            unknown.append(f"{node}.{field}")
        elif nested:
            inner = inner_node(node, field)
            unknown += unknown_fields(inner, nested) if inner else [f"{node}.{field}{{…}}"]
    return unknown


def parameters(request: FacebookRequest, name: str) -> frozenset[str]:
    listed = frozenset(request._param_checker._type_check_info)
    return listed | DOCUMENTED.get(name, frozenset())


def answer_fields(request: FacebookRequest, name: str) -> frozenset[str]:
    # A create answers at least the new node's id, whatever else its node has.
    target = request._target_class
    listed = field_names(target.__name__) if target is not AbstractCrudObject else frozenset()
    return listed | {"id"} | DOCUMENTED.get(name, frozenset())


# --- The fakes --------------------------------------------------------------------------------


@pytest.mark.parametrize("fake", FAKES)
def test_each_field_a_fake_serves_is_a_field_of_its_node(fake: ModuleType) -> None:
    unknown = {
        f"{node}.{field}"
        for node, fields in fake.NODE_FIELDS.items()
        for field in fields
        if field not in field_names(node)
    }
    assert not unknown, f"Graph has no such field: {sorted(unknown)}"


@pytest.mark.parametrize("fake", FAKES)
def test_each_parameter_a_fake_reads_is_one_its_call_takes(fake: ModuleType) -> None:
    unknown = {
        f"{name}({param})"
        for name, params in fake.POST_PARAMS.items()
        for param in params - parameters(call(name), name)
    }
    assert not unknown, f"Graph takes no such parameter: {sorted(unknown)}"


@pytest.mark.parametrize("fake", FAKES)
def test_each_answer_of_a_fake_has_only_fields_graph_answers(fake: ModuleType) -> None:
    assert set(fake.ANSWER_FIELDS) <= set(fake.POST_PARAMS)
    unknown = {
        f"{name} → {field}"
        for name, fields in fake.ANSWER_FIELDS.items()
        for field in fields - answer_fields(call(name), name)
    }
    assert not unknown, f"Graph answers no such field: {sorted(unknown)}"


@pytest.mark.parametrize("fake", FAKES)
def test_a_fakes_nested_fields_are_served_as_the_node_graph_nests(fake: ModuleType) -> None:
    for (node, field), inner in getattr(fake, "NESTED_NODES", {}).items():
        assert inner_node(node, field) == inner, (node, field)


def test_the_fake_refuses_a_field_its_node_does_not_have(fake_facebook: FakeFacebook) -> None:
    page = fake_facebook.first_page()
    headers = {"Authorization": f"Bearer {fake_facebook.page_token(page['id'])}"}
    url = f"{fake_facebook.base_url}/v24.0/{page['id']}"
    for fields in ("id,fan_count_today", "id,conversations{id,messages{text}}"):
        refused = httpx.get(url, params={"fields": fields}, headers=headers)
        assert refused.status_code == 400, fields
        assert refused.json()["error"]["code"] == 100
        assert "Tried accessing nonexisting field" in refused.json()["error"]["message"]
    assert httpx.get(url, params={"fields": "id,followers_count"}, headers=headers).is_success


# --- The checks themselves ------------------------------------------------------------------


def test_a_field_graph_does_not_have_is_found_at_any_depth() -> None:
    assert unknown_fields("PagePost", "id,messsage") == ["PagePost.messsage"]
    assert unknown_fields("Page", "instagram_business_account{id,handle}") == ["IGUser.handle"]
    assert unknown_fields("UnifiedThread", "messages{message,sender}") == ["Message.sender"]
    assert unknown_fields("PagePost", "reactions.summary(total_count).limit(0),shares") == []


# --- The connectors -----------------------------------------------------------------------------


@pytest.mark.parametrize(("node", "spec"), CONNECTOR_FIELDS)
def test_each_field_a_connector_asks_for_is_a_field_of_its_node(node: str, spec: str) -> None:
    assert unknown_fields(node, spec) == []


def test_the_product_never_imports_the_facebook_sdk() -> None:
    # facebook-business is for tests only: the product sends its calls through lib/http.py.
    root = Path(__file__).resolve().parents[2]
    importing = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "facebook_business" in path.read_text()
    ]
    assert importing == []


def facebook_node(fake: FakeFacebook, node_id: str) -> str:
    """Which Graph node an id in the fake is."""
    if node_id in fake.pages:
        return "Page"
    if node_id in fake.posts:
        return "PagePost"
    if node_id in fake.comments:
        return "Comment"
    return "UnifiedThread" if node_id.startswith("t_") else "User"


class GraphCall(NamedTuple):
    node: str
    method: str
    edge: str  # "" for the node itself
    params: dict[str, str]
    answer: dict[str, Any]  # {} for an error or a dropped connection


def graph_calls(fake: FakeFacebook, node_of: Callable[[str], str]) -> list[GraphCall]:
    """Every Graph call the fake's server received, with the fake's answer."""
    found = []
    for request, response in fake.server.log:
        parts = re.sub(r"^/v\d+\.\d+/", "", request.path).split("/")
        if parts[0] in ("dialog", "oauth", "debug_token"):
            continue  # Login, not Graph nodes
        node = "User" if parts[0] == "me" else node_of(parts[0])
        params = dict(request.args)
        if request.method == "POST":
            form = {re.sub(r"\[\d+\]$", "", key): value for key, value in request.form.items()}
            params = {**form, **dict.fromkeys(request.files, "(file)")}
        ok = response.status_code == 200 and response.is_json
        answer = response.get_json() if ok else {}
        found.append(GraphCall(node, request.method, "/".join(parts[1:]), params, answer))
    return found


def undefined(calls: list[GraphCall]) -> list[str]:
    """The calls, parameters and fields among these, asked or answered, that facebook-business
    does not define."""
    unknown = []
    for call in calls:
        defined = calls_of(call.node).get((call.method, call.edge))
        if defined is None:
            unknown.append(f"{call.method} {call.edge} on {call.node}")
            continue
        attr, request = defined
        name = f"{call.node}.{attr}"
        allowed = parameters(request, name)
        allowed |= PAGING_PARAMS if call.method == "GET" else frozenset()
        unknown += [f"{name}({p})" for p in set(call.params) - allowed]
        target = request._target_class
        answered = target.__name__ if target is not AbstractCrudObject else ""
        answered = UNTYPED_EDGES.get((call.node, call.edge), answered)
        if "fields" in call.params:
            unknown += unknown_fields(answered, call.params["fields"])
        unknown += [
            f"{name} → {field}"
            for field in answer_names(call)
            - set(answer_fields(request, name) if call.method == "POST" else field_names(answered))
        ]
    return unknown


def answer_names(call: GraphCall) -> set[str]:
    """The field names of the fake's answer: of each listed item, or of the one node."""
    if call.method == "GET" and call.edge and isinstance(call.answer.get("data"), list):
        return {name for item in call.answer["data"] for name in item}
    return set(call.answer) - {"paging"}


def test_every_call_the_facebook_connector_makes_is_one_graph_defines(
    world: World, fake_facebook: FakeFacebook, settings: Any
) -> None:
    settings.FACEBOOK_GRAPH_URL = fake_facebook.base_url
    channel = connect_facebook(world, fake_facebook)
    exercise_facebook(services.connector_for(channel), fake_facebook, channel)

    calls = graph_calls(fake_facebook, lambda node_id: facebook_node(fake_facebook, node_id))
    assert undefined(calls) == []
    assert len(calls) > 15


def test_every_call_the_instagram_connector_makes_is_one_graph_defines(
    world: World, fake_facebook: FakeFacebook, settings: Any
) -> None:
    settings.FACEBOOK_GRAPH_URL = fake_facebook.base_url
    fake = FakeInstagram(fake_facebook)
    fake.serve_images({SQUARE: jpeg(), PORTRAIT: jpeg(1080, 1350)})
    channel = connect_instagram(world, fake)
    exercise_instagram(services.connector_for(channel), fake)

    calls = graph_calls(fake_facebook, lambda node_id: instagram_node(fake, node_id))
    assert undefined(calls) == []
    assert len(calls) > 15


def exercise_facebook(connector: Any, fake: FakeFacebook, channel: Channel) -> None:
    """Each read and write the Facebook connector has, once, against the fake."""
    page_id = channel.external_id
    texts = ["Verse croissants", "Het menu: https://bakkerij.example/menu", "Kijk!", "Twee!"]
    media = [(), (), (photo("Een mand"),), (photo("Een"), photo("Twee"))]
    posted = [
        connector.publish(OutgoingPost(text=text, idempotency_key=text, media=images))
        for text, images in zip(texts, media, strict=True)
    ]
    assert connector.find_published(OutgoingPost(text="Verse croissants", idempotency_key="x"))
    connector.metrics([posted[0].remote_id])
    question = fake.add_comment(posted[0].remote_id, "Open op zondag?")
    customer = fake.add_message(page_id, "Hebben jullie spelt?")
    tagging = fake.add_tagging_post(page_id, "Bedankt!")
    fake.add_visitor_post(page_id, "Open op zondag?")
    connector.mentions()
    connector.mentioned(tagging["id"])
    connector.mentioned(tagging["id"], fake.add_comment(tagging["id"], "Zij!")["id"])
    reply = OutgoingPost(text="Ja!", idempotency_key="r", reply_to=question["id"])
    connector.publish(reply)
    connector.find_published(reply)
    connector.comment_hide(question["id"], hidden=True)
    psid = fake.conversations[next(iter(fake.conversations))]["psid"]
    answer = OutgoingPost(
        text="Zeker!",
        idempotency_key="m",
        reply_to=facebook.message_id(psid, customer["id"]),
        visibility="direct",
    )
    connector.publish(answer)
    connector.find_published(answer)
    connector.customer_name(psid)
    connector.profile()
    facebook.pages_of(user_token(fake), allow_loopback=True, with_instagram=True)


SQUARE = "https://klankbord.example/i/vierkant.jpg"
PORTRAIT = "https://klankbord.example/i/staand.jpg"


def instagram_node(fake: FakeInstagram, node_id: str) -> str:
    """Which Graph node an id in the Instagram fake is (a container: ShadowIGMediaBuilder)."""
    if node_id == fake.user_id:
        return "IGUser"
    if node_id in fake.media:
        return "IGMedia"
    if node_id in fake.comments:
        return "IGComment"
    if node_id in fake.containers:
        return "ShadowIGMediaBuilder"
    if node_id in fake.conversations:
        return "UnifiedThread"
    return facebook_node(fake.facebook, node_id)


def exercise_instagram(connector: Any, fake: FakeInstagram) -> None:
    """Each read and write the Instagram connector has, once, against the fake."""
    connector.sleep = lambda seconds: None

    def image(url: str) -> Media:
        return Media(content=b"", mime_type="image/jpeg", alt_text="Een mand", url=url)

    single = OutgoingPost(text="Verse croissants", idempotency_key="1", media=(image(SQUARE),))
    carousel = OutgoingPost(
        text="Twee!", idempotency_key="2", media=(image(SQUARE), image(PORTRAIT))
    )
    posted = [connector.publish(single), connector.publish(carousel)]
    assert connector.find_published(single) and connector.find_published(carousel)
    fake.view(posted[0].remote_id, views=40, reach=30)
    connector.metrics([posted[0].remote_id])
    question = fake.add_comment(posted[0].remote_id, "Open op zondag?")
    fake.add_message("Hebben jullie spelt?")
    mentions = connector.mentions().mentions
    reply = OutgoingPost(text="Ja!", idempotency_key="r", reply_to=question["id"])
    connector.publish(reply)
    connector.find_published(reply)
    connector.comment_hide(question["id"], hidden=True)
    (direct,) = [m for m in mentions if m.kind == "message"]
    answer = OutgoingPost(
        text="Zeker!", idempotency_key="m", reply_to=direct.remote_id, visibility="direct"
    )
    connector.publish(answer)
    connector.find_published(answer)
    mentioning = fake.add_others_post("Taart van @bakkerijvandevelde", tagged=True)
    said = fake.add_comment_on_others(mentioning["id"], "@bakkerijvandevelde open?")
    for found in (
        connector.mentioned(mentioning["id"]),
        connector.mentioned(mentioning["id"], said["id"]),
    ):
        reply = OutgoingPost(text="Dank je!", idempotency_key="t", reply_to=found.remote_id)
        connector.publish(reply)
    connector.profile()
    connector.publishing_quota()
    instagram.instagram_account_of(
        fake.page_id, fake.facebook.page_token(fake.page_id), allow_loopback=True
    )
