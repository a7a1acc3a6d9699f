"""Pure rules of signing in: where a sign-in may lead, and how recovery codes look."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are often copied from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def safe_next_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    `/\\t/evil.example` would leave the site: any control character, backslash, scheme, host or
    leading `//` is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Random codes like `k3pq-7hxa-m2ve` (about 59 bits each)."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))
        for _ in range(count)
    ]


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def looks_like_recovery_code(code: str) -> bool:
    return len(normalise_recovery_code(code)) == 12


def recovery_code_hash(code: str) -> str:
    """Codes are long and random, so a plain SHA-256 of the normalised code is enough."""
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()
