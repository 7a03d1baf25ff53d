"""The sample campaign file, cart and expected quote that ship with promocore.

They are what `promocore demo` prices, what the quick start and the tutorial load, and what
the test suite checks the command line against; `promocore samples DIR` copies them into a
folder so that you can edit them and price them with `promocore quote`.

- `campaigns.toml`: a 金卡会员 95折 member price on apparel, a 双11 满300减50 满500减100
  ladder and a 每满100减10 campaign competing with it in one exclusive group;
- `cart.json`: two tees and a mug for a gold member on 2026-11-11 at 10:00 (UTC+8);
- `quote.expected.json`: fields the quote of that cart must have, with their values;
- `shapes.toml`, `shapes-cart.json` and `shapes-quote.expected.json`: the same for the
  pricing shapes: 第二件半价 on socks, a tee + mug 套餐 for ¥199, a 满199 加9.9元换购 cap and
  满99包邮, on a cart of a tee, a mug, two pairs of socks and a cap with ¥10 shipping.
- `member-day.toml`, `member-day-cart.json` and `member-day-quote.expected.json`: 每周三会员日,
  满300 且 第二件半价, 满99包邮, written with conditions and no code, on a member's cart of two
  tees and a pair of socks with ¥10 shipping on Wednesday 2026-12-02.

How the expected numbers come about:

- item stage: the gold customer gets 5 % off apparel: 338.00 × 5 % = 16.90;
- order stage: payable is 321.10 + 45.50 = 366.60. The ladder gives 50.00 (≥ 300); every-100
  gives min(3 × 10, 30) = 30.00. Both are in group `store`: 50.00 wins;
- 50.00 is split over the lines by payable: 4379.43 and 620.57 fen; the largest remainder
  gives the odd fen to `MUG-1` (.57 > .43): 43.79 and 6.21;
- the next ladder tier (500) is 133.40 of payable goods away and would save 50.00 more.

And for the shapes:

- item stage: the second pair of socks is half price: 15.00 off;
- order stage (canonical order: `cap-add-on` before `tee-mug-set`): the goods other than the
  cap have 169.00 + 45.50 + 45.00 = 259.50 left, at least 199.00, so the cap costs 9.90:
  15.10 off. The tee and mug (214.50) cost 199.00 as a set: 15.50 off, split by what they
  cost: 1550 × 169.00/214.50 = 1221.44 fen and 328.55 fen; the odd fen goes to the mug
  (.55 > .44): 12.21 and 3.29;
- shipping stage: the goods have 309.50 − 10.00 − 15.00 − 15.10 − 15.50 = 253.90 left, at
  least 99.00: the ¥10.00 shipping is free. The customer pays 253.90.

And for the member day (conditions: a Wednesday in Asia/Shanghai, the `member` segment, and
for the half price 满300 on list prices, 338.00 + 30.00 = 368.00):

- item stage: 第二件半价 per sku: the second tee is 169.00 × 50 % = 84.50 off; one pair of
  socks makes no pair;
- shipping stage: the goods have 368.00 − 84.50 = 283.50 left, at least 99.00: the ¥10.00
  shipping is free. The customer pays 283.50. On Thursday neither applies (`outside_days`,
  "starts Wednesday 00:00").

Examples:
    >>> from promocore import load_cart
    >>> load_cart(sample_path("cart.json")).subtotal.display()
    '¥383.50'
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from promocore.errors import ConfigError, Problem

#: The packaged sample files, in the order `promocore samples` writes them.
SAMPLE_FILES: tuple[str, ...] = (
    "campaigns.toml",
    "cart.json",
    "quote.expected.json",
    "shapes.toml",
    "shapes-cart.json",
    "shapes-quote.expected.json",
    "member-day.toml",
    "member-day-cart.json",
    "member-day-quote.expected.json",
)


def sample_path(name: str) -> Path:
    """Return the path of the packaged sample file ``name``.

    Args:
        name: One of [`SAMPLE_FILES`][promocore.samples.SAMPLE_FILES].

    Raises:
        ConfigError: ``name`` is not a sample file.
    """
    if name not in SAMPLE_FILES:
        known = ", ".join(SAMPLE_FILES)
        raise ConfigError([Problem("", f"no such sample (the samples are {known})")], name)
    return Path(str(files(__name__).joinpath(name)))


def copy_samples(directory: str | Path, *, overwrite: bool = False) -> tuple[Path, ...]:
    """Copy every sample file into ``directory`` (created if missing); return the new paths.

    Args:
        directory: Where to write the files.
        overwrite: Replace files of the same names; by default they are left alone and
            nothing is written.

    Raises:
        ConfigError: a file of that name exists and ``overwrite`` is false (then nothing
            is written), or a file cannot be written.
    """
    target = Path(directory)
    paths = tuple(target / name for name in SAMPLE_FILES)
    existing = [path for path in paths if path.exists()]
    if existing and not overwrite:
        problems = [Problem("", "exists (give --force to replace it)")]
        raise ConfigError(problems, str(existing[0]))
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, path in zip(SAMPLE_FILES, paths, strict=True):
            shutil.copyfile(sample_path(name), path)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else str(target)
        raise ConfigError([Problem("", f"cannot write: {exc.strerror}")], where) from None
    return paths
