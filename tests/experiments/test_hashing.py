"""The unit hash: its published values, and the numpy form equal to the scalar one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.experiments.hashing import MAX_ID_BYTES, mix, unit_hash, unit_hashes

#: Values every release must reproduce: a change re-draws every running experiment.
PUBLISHED = [
    ("experiment:demo", "customer-1", 0x2279DB753D775807),
    ("experiment:demo", "", 0x46BDBC6459C684E3),
    ("experiment:demo", 42, 0xF1B09D967DD45217),
    ("experiment:demo", "42", 0x73FBF8EAA7E40AC7),
    ("holdout:global", "顾客-8", 0x78A9EF1115FEEC88),
    ("layer:checkout", -1, 0x2CBB59E6A0429BC0),
    ("experiment:demo", "a-much-longer-customer-identifier", 0x9C26CB536907F233),
]


def test_the_mixer_is_murmur3_fmix64() -> None:
    # Known values of MurmurHash3's 64-bit finaliser.
    assert mix(0) == 0
    assert mix(1) == 0xB456BCFC34C2CB2C


@pytest.mark.parametrize(("key", "unit", "expected"), PUBLISHED)
def test_published_values(key: str, unit: object, expected: int) -> None:
    assert unit_hash(key, unit) == expected
    assert int(unit_hashes(key, [unit])[0]) == expected


def test_the_hash_does_not_depend_on_the_process() -> None:
    import subprocess
    import sys

    code = (
        "from promocore.experiments import unit_hash; "
        "print(unit_hash('experiment:demo', 'customer-1'))"
    )
    for seed in ("0", "1", "random"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        )
        assert int(out.stdout) == 0x2279DB753D775807


texts = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=40)


@given(key=texts, ids=st.lists(texts, min_size=1, max_size=30))
def test_text_arrays_hash_like_single_ids(key: str, ids: list[str]) -> None:
    expected = [unit_hash(key, i) for i in ids]
    assert unit_hashes(key, ids).tolist() == expected
    assert unit_hashes(key, np.array(ids)).tolist() == expected
    encoded = np.array([i.encode() for i in ids], dtype=bytes)
    assert unit_hashes(key, encoded).tolist() == expected


@given(ids=st.lists(texts, min_size=1, max_size=10), pad=st.integers(1, 30))
def test_the_array_width_does_not_matter(ids: list[str], pad: int) -> None:
    narrow = np.array([i.encode() for i in ids], dtype=bytes)
    wide = narrow.astype(f"S{narrow.dtype.itemsize + pad}")
    assert unit_hashes("k", narrow).tolist() == unit_hashes("k", wide).tolist()


@given(ids=st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=30))
def test_integer_arrays_hash_like_single_ids(ids: list[int]) -> None:
    expected = [unit_hash("k", i) for i in ids]
    assert unit_hashes("k", np.array(ids, dtype=np.int64)).tolist() == expected
    assert unit_hashes("k", ids).tolist() == expected


def test_unsigned_and_signed_views_of_one_id_agree() -> None:
    assert unit_hash("k", -1) == unit_hash("k", 2**64 - 1)
    unsigned = unit_hashes("k", np.array([2**64 - 1], dtype=np.uint64))
    assert unsigned.tolist() == unit_hashes("k", np.array([-1])).tolist()


def test_integers_and_their_text_differ() -> None:
    assert unit_hash("k", 7) != unit_hash("k", "7")


def test_the_caller_array_is_not_modified() -> None:
    ids = np.arange(10, dtype=np.uint64)
    unit_hashes("k", ids)
    assert ids.tolist() == list(range(10))


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([1.5, 2.5], "integers or texts"),
        ([True, False], "integers or texts"),
        (["a", 1], "not a mix"),
        ([[1, 2]], "integers or texts"),
        (np.zeros((2, 2), dtype=np.int64), "one-dimensional"),
        ([2**64], "64 bits"),
        (["x" * (MAX_ID_BYTES + 1)], "longer than"),
    ],
)
def test_bad_id_arrays_are_refused(ids: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        unit_hashes("k", ids)


@pytest.mark.parametrize("unit", [1.5, True, None, 2**64, "x" * (MAX_ID_BYTES + 1)])
def test_bad_single_ids_are_refused(unit: object) -> None:
    with pytest.raises(ValidationError):
        unit_hash("k", unit)
