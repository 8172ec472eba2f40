"""Test personas: Alice owns the bakery, Bob works there, Charlie belongs to another business."""

from dataclasses import dataclass

from klankbord.accounts.models import User
from klankbord.orgs.models import Membership, Organisation, Role

PASSWORD = "correct horse battery staple"  # noqa: S105


def make_user(email: str, name: str = "", language: str = "en") -> User:
    return User.objects.create_user(email=email, password=PASSWORD, name=name, language=language)


def make_member(org: Organisation, email: str, role: str, name: str = "") -> Membership:
    return Membership.objects.create(organisation=org, user=make_user(email, name), role=role)


@dataclass
class World:
    alice: User
    bob: User
    charlie: User
    org: Organisation
    other_org: Organisation

    def member(self, role: str) -> User:
        """A fresh member of Alice's organisation with the given role."""
        return make_member(self.org, f"{role}@bakkerij.test", role).user


def make_world() -> World:
    org = Organisation.objects.create(name="Bakkerij Alice", slug="bakkerij-alice")
    other = Organisation.objects.create(name="Garage Charlie", slug="garage-charlie")
    alice = make_member(org, "alice@bakkerij.test", Role.OWNER, "Alice").user
    bob = make_member(org, "bob@bakkerij.test", Role.EDITOR, "Bob").user
    charlie = make_member(other, "charlie@garage.test", Role.OWNER, "Charlie").user
    return World(alice=alice, bob=bob, charlie=charlie, org=org, other_org=other)
