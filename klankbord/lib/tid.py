"""AT Protocol timestamp identifiers (TIDs): 13 characters, sortable, 64 bits."""

import hashlib
import re
import secrets
import time

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def encode(value: int) -> str:
    chars = []
    for _ in range(13):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_tid() -> str:
    """A fresh TID: microseconds since the epoch and a random clock id."""
    micros = time.time_ns() // 1000
    return encode((micros << 10) | secrets.randbelow(1024))


def is_tid(text: str) -> bool:
    return bool(TID_PATTERN.match(text))


def tid_for_key(key: str) -> str:
    """The same valid TID for the same key, so a retry writes the same record."""
    if is_tid(key):
        return key
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return encode(digest & ((1 << 63) - 1))
