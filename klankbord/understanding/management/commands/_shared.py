"""What `classify` and `evaluate` share: finding the organisation named by --org."""

from django.core.management.base import CommandError

from klankbord.orgs.models import Organisation


def organisation_option(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"No organisation with slug {slug!r}.")
    return organisation
