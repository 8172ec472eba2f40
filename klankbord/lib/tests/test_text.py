from datetime import UTC, datetime

import time_machine

from klankbord.lib.text import grapheme_count, utf8_offset
from klankbord.lib.tid import is_tid, new_tid, tid_for_key


def test_graphemes_count_what_a_person_sees() -> None:
    assert grapheme_count("café") == 4
    assert grapheme_count("cafe\u0301") == 4
    assert grapheme_count("👍🏽👨‍👩‍👧") == 2
    assert grapheme_count("🇧🇪 Gent") == 6


def test_utf8_offsets_count_bytes() -> None:
    text = "Één 🥐 #brood"
    assert utf8_offset(text, text.index("#")) == len("Één 🥐 ".encode())


def test_tids_are_valid_and_stable_per_key() -> None:
    assert is_tid(new_tid())
    assert new_tid() != new_tid()
    key = "post-12-target-3"
    assert is_tid(tid_for_key(key))
    assert tid_for_key(key) == tid_for_key(key)
    assert tid_for_key(key) != tid_for_key("post-12-target-4")
    tid = new_tid()
    assert tid_for_key(tid) == tid


def test_tids_made_while_the_clock_stands_still_are_all_different_and_in_order() -> None:
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        made = [new_tid() for _n in range(5000)]
    assert len(set(made)) == len(made)
    assert made == sorted(made)
