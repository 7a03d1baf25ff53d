"""Coupon codes: short, unambiguous, and derived from the request that issues them.

A code is a digest of the template id, the idempotency key of the issuing request
and an attempt number, written in Crockford's base 32 (no I, L, O or U). Deriving
it from the key makes issuing idempotent: a retried request computes the same
code and finds the coupon it already made. On the rare collision with another
request's coupon the next attempt number gives another code.
"""

from __future__ import annotations

import hashlib

#: Crockford's base-32 alphabet.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

#: Length of generated codes (5 bits each: 12 characters carry 60 bits).
CODE_LENGTH = 12


def derive_code(template_id: str, key: str, attempt: int = 0, length: int = CODE_LENGTH) -> str:
    """Return the code for the request ``key`` on ``template_id``.

    Args:
        template_id: The template the coupon is issued from.
        key: The idempotency key of the issuing request.
        attempt: 0 first; the next number after a collision.
        length: Number of characters, 8 to 24.

    Examples:
        >>> derive_code("new-user-20", "claim-1") == derive_code("new-user-20", "claim-1")
        True
    """
    if not 8 <= length <= 24:
        raise ValueError("length must be between 8 and 24")
    data = "\x1f".join((template_id, key, str(attempt))).encode()
    number = int.from_bytes(hashlib.blake2b(data, digest_size=16).digest(), "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(chars)


def normalize_code(text: str) -> str:
    """Read a code as a customer may type it: case, spaces, dashes and look-alikes forgiven."""
    table = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})
    return text.strip().upper().translate(table)
