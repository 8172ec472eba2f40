from datetime import timedelta

from django.utils import timezone, translation

from klankbord.core.templatetags.klankbord_tags import ago


def test_a_fresh_moment_is_just_now_and_an_older_one_counts_minutes() -> None:
    with translation.override("en"):
        assert ago(timezone.now() - timedelta(seconds=5)) == "just now"
        assert ago(timezone.now() - timedelta(minutes=3, seconds=5)) == "3\xa0minutes ago"
        assert ago(None) == ""
