"""Every registered network honours the Connector interface it claims."""

import pytest

from klankbord.channels.networks import NETWORKS, available_networks, connector_class
from klankbord.channels.networks.base import Capability, Connector

# What a capability promises: the method that must be implemented for it.
METHOD_FOR = {
    Capability.PUBLISH: "publish",
    Capability.MENTIONS: "mentions",
    Capability.METRICS: "metrics",
    Capability.REPLY: "publish",
    Capability.MEDIA: "publish",
    Capability.SEARCH: "search",
}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_each_network_is_registered_under_its_own_name(name: str) -> None:
    cls = connector_class(name)
    assert issubclass(cls, Connector)
    assert cls.network == name
    assert str(cls.label)
    assert cls.connect_with in {"oauth", "password", "url", "sandbox"}


@pytest.mark.parametrize("cls", available_networks(), ids=lambda cls: cls.network)
def test_each_claimed_capability_is_implemented(cls: type[Connector]) -> None:
    for capability in cls.capabilities:
        method = METHOD_FOR.get(capability)
        if method:
            assert getattr(cls, method) is not getattr(Connector, method), (cls, capability)
    if Capability.PUBLISH in cls.capabilities:
        assert cls.find_published is not Connector.find_published, "publishing needs a lookup"
    if Capability.MEDIA in cls.capabilities:
        assert cls.max_images > 0


def test_exactly_one_network_is_the_sandbox() -> None:
    assert [cls.network for cls in available_networks() if cls.is_sandbox] == ["sandbox"]
