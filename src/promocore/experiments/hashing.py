"""The unit hash behind every assignment: stable across processes, machines and releases.

Assignment must give a customer the same arm in every process, on every machine, in every
Python version and in every release of promocore, so it cannot use Python's ``hash()``
(randomised per process for strings) or anything that depends on the platform. The hash is
defined here, bit for bit, and implemented twice: in pure Python for one id and with numpy
for millions.

The definition. All arithmetic is on unsigned 64-bit integers, modulo 2**64:

* ``mix(x)`` is the finaliser of MurmurHash3 (``fmix64``):

      x ^= x >> 33;  x *= 0xFF51AFD7ED558CCD
      x ^= x >> 33;  x *= 0xC4CEB9FE1A85EC53
      x ^= x >> 33

* A **text** is hashed from its UTF-8 bytes with trailing NUL bytes removed (arrays of
  fixed-width bytes cannot tell them from padding). The bytes are zero-padded to a multiple
  of 8 and read as little-endian 64-bit words ``w[0], w[1], ...``; starting from a seed,
  ``h = mix(h ^ w[i])`` for each word, then ``h = mix(h ^ length ^ TEXT_TAG)`` with the
  length in bytes.
* An **integer** id (from ``-2**63`` to ``2**64 - 1``) is taken modulo 2**64 as ``w`` and
  hashed as ``h = mix(mix(seed ^ w) ^ INTEGER_TAG)``. The integer ``42`` and the text
  ``"42"`` therefore hash differently: give every unit its id in one type.
* A **key** (the experiment's salt with a purpose prefix, see
  [`promocore.experiments.assignment`][promocore.experiments.assignment]) is hashed as a
  text with seed 0; the result is the seed for the unit ids.

The output is uniform on 64 bits; assignment reads two independent 32-bit halves of it.

Examples:
    >>> hex(unit_hash("experiment:demo", "customer-1"))
    '0x2279db753d775807'
    >>> [hex(h) for h in unit_hashes("experiment:demo", ["customer-1"]).tolist()]
    ['0x2279db753d775807']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from promocore.errors import ValidationError

UIntArray = npt.NDArray[np.uint64]

MASK = (1 << 64) - 1
_M1 = 0xFF51AFD7ED558CCD
_M2 = 0xC4CEB9FE1A85EC53
#: Mixed in after the bytes of a text id (with its length).
TEXT_TAG = 0x7465787400000000
#: Mixed in after an integer id.
INTEGER_TAG = 0x696E746567657221
#: Largest id text hashed, in UTF-8 bytes.
MAX_ID_BYTES = 1024


def mix(x: int) -> int:
    """MurmurHash3's 64-bit finaliser on a Python int (``0 <= x < 2**64``)."""
    x ^= x >> 33
    x = (x * _M1) & MASK
    x ^= x >> 33
    x = (x * _M2) & MASK
    return x ^ (x >> 33)


def text_hash(seed: int, data: bytes) -> int:
    """Hash ``data`` (trailing NUL bytes removed) from ``seed``, as defined above."""
    data = data.rstrip(b"\x00")
    h = seed
    padded = data + b"\x00" * (-len(data) % 8)
    for i in range(0, len(padded), 8):
        h = mix(h ^ int.from_bytes(padded[i : i + 8], "little"))
    return mix(h ^ len(data) ^ TEXT_TAG)


def _utf8(text: str, path: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError.single(path, "is not valid Unicode text (a lone surrogate)") from None


def key_seed(key: str) -> int:
    """The seed a key text gives the unit hashes."""
    return text_hash(0, _utf8(key, "key"))


def unit_hash(key: str, unit_id: object) -> int:
    """The 64-bit hash of one unit id under ``key``.

    Args:
        key: The hashing key (an experiment's salt with its purpose).
        unit_id: A text (``str`` or ``bytes``) or an integer.

    Raises:
        ValidationError: the id is of another type, an integer out of the 64-bit range,
            or a text longer than ``MAX_ID_BYTES`` bytes.
    """
    seed = key_seed(key)
    if isinstance(unit_id, bool) or not isinstance(unit_id, str | bytes | int | np.integer):
        raise ValidationError.single(
            "unit_id", f"must be a text or an integer, got {type(unit_id).__name__}"
        )
    if isinstance(unit_id, int | np.integer):
        value = int(unit_id)
        if not -(1 << 63) <= value <= MASK:
            raise ValidationError.single("unit_id", "an integer id must fit in 64 bits")
        return mix(mix(seed ^ (value & MASK)) ^ INTEGER_TAG)
    data = _utf8(unit_id, "unit_id") if isinstance(unit_id, str) else unit_id
    if len(data) > MAX_ID_BYTES:
        raise ValidationError.single("unit_id", f"is longer than {MAX_ID_BYTES} bytes")
    return text_hash(seed, data)


def _mix_array(h: UIntArray) -> UIntArray:
    """``mix`` in place on a uint64 array (wrapping multiplication)."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(_M1)
    h ^= h >> np.uint64(33)
    h *= np.uint64(_M2)
    h ^= h >> np.uint64(33)
    return h


def unit_hashes(key: str, unit_ids: object) -> UIntArray:
    """The hashes of many unit ids at once (one numpy pass per 8 bytes of the longest id).

    Args:
        key: The hashing key.
        unit_ids: A 1-D array or sequence of integers, or of texts (``str`` or ``bytes``),
            not mixed.

    Returns:
        A ``uint64`` array, equal entry by entry to
        [`unit_hash`][promocore.experiments.hashing.unit_hash].

    Raises:
        ValidationError: the ids are not one-dimensional, mix texts and numbers, are
            floats or booleans, or an integer or text is out of range.
    """
    ids = _as_id_array(unit_ids)
    seed = np.uint64(key_seed(key))
    if ids.dtype.kind in "iu":
        # Negative ids wrap to two's complement, as defined; a copy, never the caller's array.
        h = ids.astype(np.int64).view(np.uint64) if ids.dtype.kind == "i" else ids.astype(np.uint64)
        h ^= seed
        _mix_array(h)
        h ^= np.uint64(INTEGER_TAG)
        return _mix_array(h)
    return _text_hashes(seed, ids)


def _as_id_array(unit_ids: object) -> npt.NDArray[Any]:
    if isinstance(unit_ids, range):
        ids: npt.NDArray[Any] = np.arange(unit_ids.start, unit_ids.stop, unit_ids.step)
    elif isinstance(unit_ids, np.ndarray):
        ids = unit_ids
    else:
        # A Python sequence: look at every element, so a mix is refused, never coerced.
        try:
            ids = np.empty(len(unit_ids), dtype=object)  # type: ignore[arg-type]
            ids[:] = list(unit_ids)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise ValidationError.single(
                "unit_ids", "must be a one-dimensional sequence of ids"
            ) from None
    if ids.ndim != 1:
        raise ValidationError.single("unit_ids", f"must be one-dimensional (got shape {ids.shape})")
    if ids.dtype == object:
        ids = _from_objects(ids)
    if ids.dtype.kind == "U":
        try:
            ids = np.char.encode(ids, "utf-8")
        except UnicodeEncodeError:
            raise ValidationError.single(
                "unit_ids", "an id is not valid Unicode text (a lone surrogate)"
            ) from None
    if ids.dtype.kind not in "iuS":
        raise ValidationError.single(
            "unit_ids", f"must be integers or texts (got an array of {ids.dtype})"
        )
    if ids.dtype.kind == "S" and ids.dtype.itemsize > MAX_ID_BYTES:
        raise ValidationError.single("unit_ids", f"an id is longer than {MAX_ID_BYTES} bytes")
    return ids


def _from_objects(ids: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Ids given as Python objects: all texts, or all integers in the 64-bit range."""
    flat = ids.tolist()
    if not flat:
        return np.zeros(0, dtype=np.uint64)
    if all(isinstance(i, str) for i in flat):
        return np.array([_utf8(i, "unit_ids") for i in flat], dtype=bytes)
    if all(isinstance(i, bytes) for i in flat):
        return np.array(flat, dtype=bytes)
    if all(isinstance(i, int | np.integer) and not isinstance(i, bool | np.bool_) for i in flat):
        if any(not -(1 << 63) <= int(i) <= MASK for i in flat):
            raise ValidationError.single("unit_ids", "an integer id must fit in 64 bits")
        return np.array([int(i) & MASK for i in flat], dtype=np.uint64)
    if all(isinstance(i, str | bytes | int | np.integer) for i in flat) and not any(
        isinstance(i, bool | np.bool_) for i in flat
    ):
        raise ValidationError.single("unit_ids", "must be all texts or all integers, not a mix")
    raise ValidationError.single("unit_ids", "must be integers or texts")


def _text_hashes(seed: np.uint64, ids: npt.NDArray[np.bytes_]) -> UIntArray:
    width = ids.dtype.itemsize
    count = ids.shape[0]
    lengths = np.char.str_len(ids).astype(np.uint64) if width else np.zeros(count, np.uint64)
    words = max(1, -(-width // 8))
    buffer = np.zeros((count, words * 8), dtype=np.uint8)
    if width:
        buffer[:, :width] = np.frombuffer(ids.tobytes(), dtype=np.uint8).reshape(count, width)
    block = buffer.view("<u8").astype(np.uint64)
    h = np.full(count, seed, dtype=np.uint64)
    for j in range(words):
        inside = lengths > np.uint64(8 * j)
        if not inside.any():
            break
        step = _mix_array(h ^ block[:, j])
        h = np.where(inside, step, h)
    h ^= lengths
    h ^= np.uint64(TEXT_TAG)
    return _mix_array(h)
