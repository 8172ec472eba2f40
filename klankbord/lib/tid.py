"""AT Protocol timestamp identifiers (TIDs): 13 characters, sortable, 64 bits."""

import hashlib
import re
import secrets
import threading
import time

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def encode(value: int) -> str:
    chars = []
    for _ in range(13):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


_last_micros = 0
_last_lock = threading.Lock()


def new_tid() -> str:
    """A fresh TID: microseconds since the epoch and a random clock id.

    Never the same microseconds twice in one process, even when the clock stands still or
    steps back, so two TIDs made here never collide.
    """
    global _last_micros
    with _last_lock:
        _last_micros = max(time.time_ns() // 1000, _last_micros + 1)
        micros = _last_micros
    return encode((micros << 10) | secrets.randbelow(1024))


def is_tid(text: str) -> bool:
    return bool(TID_PATTERN.match(text))


def tid_for_key(key: str) -> str:
    """The same valid TID for the same key, so a retry writes the same record."""
    if is_tid(key):
        return key
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return encode(digest & ((1 << 63) - 1))
