"""Loading campaigns from TOML, JSON or dicts, and carts from JSON.

Campaign files hold a ``[[campaigns]]`` array (TOML) or a ``{"campaigns": [...]}``
object (JSON). Each campaign's ``params`` are validated by its mechanic's own params
type. Every problem in a file is reported at once, each with its path
(``campaigns[1].params.tiers[0].threshold: must be > 0``).

Numbers follow the human profile of [`promocore.serialize`][promocore.serialize], the
same in TOML and JSON:

- Amounts are major units of the campaign's currency (the file's ``currency``, a
  campaign's own ``currency``, or the one the caller passes), written as strings or
  integers: ``"300.00"``, ``"300"`` and ``300`` are all ¥300.00 (as in
  ``limit = 20000``). More decimals than the currency has are refused.
- Whole numbers (quantities, limits, priorities, quantity thresholds) are integers or
  strings of digits: ``2`` or ``"2"``.
- Percentages and rates are strings or integers: ``"5"``, ``"7.5"``, ``5``.
- A threshold is an amount or a number of units as the mechanic's basis says
  (``basis = "quantity"`` makes ``threshold = 2`` two units).
- Floats (TOML ``300.0``, JSON ``300.5``) are refused wherever an exact number is
  needed, with a problem naming the field: write them as strings (``"300.50"``).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import cattrs

from promocore._files import check_tree, parse_int, read_text, too_deep
from promocore._zones import time_zone_problem
from promocore.campaign import (
    DEFAULT_TIME_ZONE,
    Audience,
    Budget,
    Campaign,
    Limits,
    Schedule,
    Scope,
    Stage,
)
from promocore.cart import Cart, Customer, LineItem, ShippingRule
from promocore.conditions import COMBINATIONS, MAX_CONDITIONS, MAX_DEPTH, AllOf, Condition, Not
from promocore.errors import (
    ConfigError,
    LimitExceededError,
    Problem,
    UnknownMechanicError,
    ValidationError,
)
from promocore.experiments.model import Experiment, Holdout
from promocore.experiments.registry import ExperimentSet
from promocore.limits import MAX_CAMPAIGNS, MAX_LINES, MAX_WHOLE_DIGITS
from promocore.money import Money
from promocore.plugins import PluginHost, make_host
from promocore.serialize import human_converter, make_human_converter, structure, unstructure
from promocore.validation import Checks

_CAMPAIGN_KEYS = {
    "id", "name", "mechanic", "params", "currency", "stage", "starts_at", "ends_at",
    "audience", "scope", "priority", "exclusive_group", "budget", "limits",
    "conditions", "time_zone",
}  # fmt: skip


def campaign_from_dict(
    raw: object, *, currency: str = "CNY", host: PluginHost | None = None, path: str = ""
) -> Campaign:
    """Build one campaign from plain data.

    Raises:
        ValidationError: every problem, with paths under ``path``.
    """
    host = host if host is not None else make_host()
    checks = Checks()
    if not isinstance(raw, Mapping):
        raise ValidationError.single(path, "a campaign must be a table/object")
    for key in raw:
        if key not in _CAMPAIGN_KEYS:
            checks.add(_at(path, str(key)), "unknown field")
    own_currency = raw.get("currency", currency)
    if not isinstance(own_currency, str):
        checks.add(_at(path, "currency"), "must be a string")
        own_currency = currency
    fields: dict[str, Any] = {"currency": own_currency}
    for key in ("id", "name", "mechanic"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            checks.add(_at(path, key), "is required (a non-empty string)")
        else:
            fields[key] = value
    for key, cls in (
        ("audience", Audience),
        ("scope", Scope),
        ("budget", Budget),
        ("limits", Limits),
    ):
        if key in raw:
            _try(checks, fields, key, cls, raw[key], own_currency, _at(path, key))
    _try(
        checks,
        fields,
        "schedule",
        Schedule,
        {k: raw[k] for k in ("starts_at", "ends_at") if k in raw},
        own_currency,
        path,
    )
    if "stage" in raw:
        _try(checks, fields, "stage", Stage, raw["stage"], own_currency, _at(path, "stage"))
    for key, typ in (("priority", int), ("exclusive_group", str), ("time_zone", str)):
        if key in raw:
            _try(checks, fields, key, typ, raw[key], own_currency, _at(path, key))
    if "time_zone" in fields:
        problem = time_zone_problem(fields["time_zone"])
        if problem is not None:
            checks.add(_at(path, "time_zone"), problem)
    if "conditions" in raw:
        try:
            fields["conditions"] = conditions_from_data(
                raw["conditions"], currency=own_currency, host=host, path=_at(path, "conditions")
            )
        except ValidationError as exc:
            checks.absorb(exc)
    if "mechanic" in fields:
        try:
            mechanic = host.mechanic(fields["mechanic"])
        except UnknownMechanicError as exc:
            checks.add(_at(path, "mechanic"), str(exc))
        else:
            _try(
                checks,
                fields,
                "params",
                mechanic.params_type,
                raw.get("params", {}),
                own_currency,
                _at(path, "params"),
                converter_of(host),
            )
    checks.raise_if_any()
    try:
        campaign = Campaign(**fields)
    except ValidationError as exc:
        raise exc.prefixed(path) from None
    problems = [p.prefixed(path) for p in host.validate_campaign(campaign)]
    if problems:
        raise ValidationError(problems)
    return campaign


def _try(
    checks: Checks,
    fields: dict[str, Any],
    key: str,
    cls: Any,
    raw: object,
    currency: str,
    path: str,
    converter: cattrs.Converter | None = None,
) -> None:
    try:
        fields[key] = structure(cls, raw, currency=currency, path=path, converter=converter)
    except ValidationError as exc:
        checks.absorb(exc)


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def conditions_from_data(
    raw: object, *, currency: str = "CNY", host: PluginHost | None = None, path: str = ""
) -> Condition:
    """Build a campaign's ``conditions`` from plain data.

    A condition is a table: ``{kind = "weekdays", days = [3]}`` (a built-in kind or a
    plugin's, its other keys the kind's fields), ``{all = [...]}``, ``{any = [...]}`` or
    ``{not = {...}}``; a list is read as ``all``. Amounts are in ``currency``.

    Raises:
        ValidationError: every problem, with paths such as
            ``conditions.all[1].days``; nesting past ``MAX_DEPTH`` or more than
            ``MAX_CONDITIONS`` conditions is refused.
    """
    host = host if host is not None else make_host()
    counter = [0]
    return _condition(raw, currency, host.condition_kinds, path, 1, counter)


def _condition(
    raw: object, currency: str, kinds: Mapping[str, type], path: str, depth: int, count: list[int]
) -> Condition:
    count[0] += 1
    if depth > MAX_DEPTH:
        raise ValidationError.single(path, f"nests deeper than {MAX_DEPTH} levels")
    if count[0] > MAX_CONDITIONS:
        raise ValidationError.single(path, f"more than {MAX_CONDITIONS} conditions")
    if isinstance(raw, list):
        return AllOf(_conditions_in(raw, currency, kinds, path, depth, count))
    if not isinstance(raw, Mapping):
        raise ValidationError.single(path, "a condition must be a table/object or a list")
    combined = [key for key in COMBINATIONS if key in raw]
    if combined:
        key = combined[0]
        extra = [str(k) for k in raw if k != key]
        if extra:
            problems = [Problem(_at(path, k), f"unknown field beside {key!r}") for k in extra]
            raise ValidationError(problems)
        inner = raw[key]
        where = _at(path, key)
        if key == "not":
            return Not(_condition(inner, currency, kinds, where, depth + 1, count))
        if not isinstance(inner, list):
            raise ValidationError.single(where, "must be a list of conditions")
        members = _conditions_in(inner, currency, kinds, where, depth, count)
        try:
            combination: Condition = COMBINATIONS[key](members)
        except ValidationError as exc:
            raise exc.prefixed(path) from None
        return combination
    kind = raw.get("kind")
    if not isinstance(kind, str):
        known = ", ".join([*COMBINATIONS, "kind"])
        raise ValidationError.single(path, f"a condition needs one of: {known}")
    cls = kinds.get(kind)
    if cls is None:
        known = ", ".join(sorted(kinds))
        raise ValidationError.single(
            _at(path, "kind"), f"unknown condition kind {kind!r} (known: {known})"
        )
    rest = {k: v for k, v in raw.items() if k != "kind"}
    found: Condition = structure(cls, rest, currency=currency, path=path)
    return found


def _conditions_in(
    items: list[object],
    currency: str,
    kinds: Mapping[str, type],
    path: str,
    depth: int,
    count: list[int],
) -> list[Condition]:
    checks = Checks()
    out: list[Condition] = []
    if not items:
        checks.add(path, "must list at least one condition")
    for i, item in enumerate(items):
        try:
            out.append(_condition(item, currency, kinds, f"{path}[{i}]", depth + 1, count))
        except ValidationError as exc:
            checks.absorb(exc)
            if count[0] > MAX_CONDITIONS:
                break
    checks.raise_if_any()
    return out


def conditions_to_data(condition: Condition) -> dict[str, Any]:
    """Turn conditions into plain data.

    [`conditions_from_data`][promocore.config.conditions_from_data] reads it back.
    """
    for key, cls in COMBINATIONS.items():
        if isinstance(condition, cls):
            if isinstance(condition, Not):
                return {key: conditions_to_data(condition.condition)}
            return {key: [conditions_to_data(c) for c in condition.conditions]}  # type: ignore[attr-defined]
    data: dict[str, Any] = unstructure(condition, compact=True)
    return {"kind": condition.kind, **data}


def campaigns_from_dicts(
    items: Sequence[object], *, currency: str = "CNY", host: PluginHost | None = None
) -> tuple[Campaign, ...]:
    """Build campaigns from plain data; every problem is reported as ``campaigns[i]...``.

    Raises:
        ValidationError: every problem found, or duplicate ids.
    """
    if len(items) > MAX_CAMPAIGNS:
        raise LimitExceededError.single(
            "campaigns",
            f"at most {MAX_CAMPAIGNS} campaigns (promocore.limits.MAX_CAMPAIGNS), got {len(items)}",
        )
    host = host if host is not None else make_host()
    checks = Checks()
    out: list[Campaign] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(items):
        try:
            campaign = campaign_from_dict(raw, currency=currency, host=host, path=f"campaigns[{i}]")
        except ValidationError as exc:
            checks.absorb(exc)
            continue
        if campaign.id in seen:
            checks.add(f"campaigns[{i}].id", f"duplicate id (also campaigns[{seen[campaign.id]}])")
        seen.setdefault(campaign.id, i)
        out.append(campaign)
    checks.raise_if_any()
    return tuple(out)


def converter_of(host: PluginHost, *, compact: bool = False) -> cattrs.Converter:
    """The human-profile converter campaign params are read (or written) with on ``host``.

    The shared converter, unless a plugin implements ``promocore_human_converter``: then a
    converter of the host's own, built once (until a plugin is registered) and extended by
    every such plugin.
    """
    if not host.has_converter_hooks():
        return human_converter(compact=compact)

    def build() -> cattrs.Converter:
        converter = host.extend_converter(make_human_converter(compact=compact))
        assert isinstance(converter, cattrs.Converter)
        return converter

    return host.memoised(f"human_converter:{compact}", build)


def campaign_to_dict(campaign: Campaign, *, host: PluginHost | None = None) -> dict[str, Any]:
    """Turn a campaign into plain data that `campaign_from_dict` reads back.

    Args:
        campaign: The campaign.
        host: The host whose plugins' converters write params of their own types
            (``promocore_human_converter``); without one, only promocore's types are known.
    """
    params = (
        unstructure(campaign.params, compact=True)
        if host is None
        else converter_of(host, compact=True).unstructure(campaign.params)
    )
    out: dict[str, Any] = {
        "id": campaign.id,
        "name": campaign.name,
        "mechanic": campaign.mechanic,
        "currency": campaign.currency,
        "params": params,
    }
    if campaign.stage is not None:
        out["stage"] = campaign.stage.value
    out.update(unstructure(campaign.schedule, compact=True))
    for key in ("audience", "scope", "limits"):
        value = unstructure(getattr(campaign, key), compact=True)
        if value:
            out[key] = value
    if campaign.budget is not None:
        out["budget"] = unstructure(campaign.budget, compact=True)
    if campaign.priority:
        out["priority"] = campaign.priority
    if campaign.exclusive_group is not None:
        out["exclusive_group"] = campaign.exclusive_group
    if campaign.conditions is not None:
        out["conditions"] = conditions_to_data(campaign.conditions)
    if campaign.time_zone != DEFAULT_TIME_ZONE:
        out["time_zone"] = campaign.time_zone
    return out


class _WrittenFloat(float):
    """A float read from a file, shown as it was written (``300.50``) in problems."""

    text: str

    def __new__(cls, text: str) -> _WrittenFloat:
        value = super().__new__(cls, text)
        value.text = text
        return value

    def __repr__(self) -> str:
        return self.text


def _read(path: Path) -> tuple[str, Any]:
    """Read and parse a file within the limits of [`promocore.limits`][promocore.limits]."""
    source = str(path)
    text = read_text(path)
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text, parse_float=_WrittenFloat)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([Problem("", f"invalid TOML: {exc}")], source) from None
        except RecursionError:
            raise too_deep(text, source) from None
        except ValueError:  # a whole number too long for Python to read
            message = f"a number has more than {MAX_WHOLE_DIGITS} digits"
            raise ConfigError([Problem("", f"invalid TOML: {message}")], source) from None
        kind = "toml"
    else:
        try:
            data = json.loads(text, parse_float=_WrittenFloat, parse_int=parse_int)
        except json.JSONDecodeError as exc:
            message = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            raise ConfigError([Problem("", message)], source) from None
        except RecursionError:
            raise too_deep(text, source) from None
        except ValueError as exc:
            raise ConfigError([Problem("", f"invalid JSON: {exc}")], source) from None
        kind = "json"
    check_tree(data, source)
    return kind, data


def load_campaigns(
    path: str | Path, *, currency: str | None = None, host: PluginHost | None = None
) -> tuple[Campaign, ...]:
    """Load the campaigns of a TOML or JSON file.

    Args:
        path: The file; ``.toml`` is read as TOML, anything else as JSON.
        currency: Currency of the amounts when the file does not say (default CNY).
        host: Plugin host providing the mechanics.

    Raises:
        ConfigError: the file cannot be read or parsed, or has invalid campaigns;
            the error names the file and each problem's path.
    """
    path = Path(path)
    _, data = _read(path)
    if not isinstance(data, Mapping) or not isinstance(data.get("campaigns"), list):
        raise ConfigError([Problem("campaigns", "expected a list of campaigns")], str(path))
    file_currency = data.get("currency", currency or "CNY")
    extra = [k for k in data if k not in _TOP_LEVEL_KEYS]
    checks = Checks()
    for key in extra:
        checks.add(key, "unknown top-level field")
    campaigns: tuple[Campaign, ...] = ()
    try:
        campaigns = campaigns_from_dicts(data["campaigns"], currency=str(file_currency), host=host)
    except ValidationError as exc:
        checks.absorb(exc)
    if "experiments" in data or "holdouts" in data:
        try:
            experiments_from_data(data)
        except ValidationError as exc:
            checks.absorb(exc)
    if checks.problems:
        raise ConfigError(checks.problems, str(path))
    return campaigns


#: The top-level fields of a campaign file.
_TOP_LEVEL_KEYS = ("campaigns", "currency", "experiments", "holdouts")


def experiments_from_data(data: Mapping[str, Any]) -> ExperimentSet:
    """Build the experiments and holdouts of a file's ``experiments`` and ``holdouts`` arrays.

    An experiment's ``holdout`` is either a table (``{id = "...", share = "0.1"}``) or the id
    of an entry of the top-level ``holdouts`` array, so several experiments (and, later,
    campaigns) share one holdout. Shares and weights are exact: integers or strings.

    Raises:
        ValidationError: every problem, with paths such as ``experiments[1].arms[0].weight``.
    """
    checks = Checks()
    holdouts: dict[str, Holdout] = {}
    broken: set[str] = set()  # holdouts already reported: references to them are not
    raw_holdouts = data.get("holdouts", [])
    if not isinstance(raw_holdouts, list):
        checks.add("holdouts", "expected a list of holdouts")
        raw_holdouts = []
    for i, raw in enumerate(raw_holdouts):
        holder: dict[str, Any] = {}
        _try(checks, holder, "holdout", Holdout, raw, "CNY", f"holdouts[{i}]")
        if "holdout" not in holder and isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
            broken.add(raw["id"])
        if "holdout" in holder:
            holdout = holder["holdout"]
            if holdout.id in holdouts:
                checks.add(f"holdouts[{i}].id", "duplicate holdout id")
            holdouts.setdefault(holdout.id, holdout)
    raw_experiments = data.get("experiments", [])
    if not isinstance(raw_experiments, list):
        checks.add("experiments", "expected a list of experiments")
        raw_experiments = []
    experiments: list[Experiment] = []
    for i, raw in enumerate(raw_experiments):
        path = f"experiments[{i}]"
        if isinstance(raw, Mapping) and isinstance(raw.get("holdout"), str):
            name = raw["holdout"]
            if name in broken:
                raw = {k: v for k, v in raw.items() if k != "holdout"}
            elif name not in holdouts:
                known = ", ".join(sorted(holdouts)) or "none"
                checks.add(
                    f"{path}.holdout", f"names no holdout of the file ({name!r}; known: {known})"
                )
                raw = {k: v for k, v in raw.items() if k != "holdout"}
            else:
                raw = {**raw, "holdout": holdouts[name]}
        holder = {}
        _try(checks, holder, "experiment", Experiment, raw, "CNY", path)
        if "experiment" in holder:
            experiments.append(holder["experiment"])
    checks.raise_if_any()
    return ExperimentSet.of(experiments, holdouts.values())


def load_experiments(path: str | Path) -> ExperimentSet:
    """Load the experiments and holdouts of a TOML or JSON campaign file.

    The file may also hold campaigns (they are not loaded here); see
    [`experiments_from_data`][promocore.config.experiments_from_data] for the format.

    Raises:
        ConfigError: the file cannot be read or parsed, or has invalid experiments; the
            error names the file and each problem's path.
    """
    path = Path(path)
    _, data = _read(path)
    if not isinstance(data, Mapping):
        raise ConfigError([Problem("", "expected a table/object at the top level")], str(path))
    extra = [k for k in data if k not in _TOP_LEVEL_KEYS]
    try:
        if extra:
            raise ValidationError([Problem(k, "unknown top-level field") for k in extra])
        return experiments_from_data(data)
    except ValidationError as exc:
        raise ConfigError(exc.problems, str(path)) from None


#: The fields of a cart file.
_CART_KEYS = ("currency", "at", "customer", "lines", "channel", "store", "shipping")
_LINE_KEYS = {"sku", "unit_price", "quantity", "categories", "tags", "refs"}


def cart_from_dict(raw: object) -> Cart:
    """Build a cart from plain data (amounts in major units of the cart's currency).

    ``shipping`` is the cart's shipping fee (``"10.00"``), or a
    [`ShippingRule`][promocore.cart.ShippingRule] table
    (``{"first": "8", "per_extra_unit": "2", "max_fee": "20"}``) whose fee for the lines
    the cart takes.

    Raises:
        ValidationError: every problem found, with its path (``lines[1].quantity``).
    """
    checks = Checks()
    if not isinstance(raw, Mapping):
        raise ValidationError.single("", "a cart must be an object")
    currency = raw.get("currency")
    if not isinstance(currency, str):
        raise ValidationError.single("currency", "is required (an ISO 4217 code such as CNY)")
    for key in raw:
        if key not in _CART_KEYS:
            checks.add(str(key), "unknown field")
    fields: dict[str, Any] = {"currency": currency}
    if "at" in raw:
        _try(checks, fields, "at", datetime, raw["at"], currency, "at")
    for key in ("channel", "store"):
        if raw.get(key) is not None:
            _try(checks, fields, key, str, raw[key], currency, key)
    if "customer" in raw and raw["customer"] is not None:
        _try(checks, fields, "customer", Customer, raw["customer"], currency, "customer")
    rule: dict[str, Any] = {}
    if isinstance(raw.get("shipping"), Mapping):  # a fee by rule: first / per_extra_unit
        _try(checks, rule, "rule", ShippingRule, raw["shipping"], currency, "shipping")
    elif "shipping" in raw and raw["shipping"] is not None:
        _try(checks, fields, "shipping", Money, raw["shipping"], currency, "shipping")
    lines = raw.get("lines")
    if not isinstance(lines, list) or not lines:
        checks.add("lines", "a cart needs a list of at least one line")
    elif len(lines) > MAX_LINES:
        message = f"at most {MAX_LINES} lines (promocore.limits.MAX_LINES), got {len(lines)}"
        checks.add_limit("lines", message)
    else:
        parsed = []
        for i, line in enumerate(lines):
            holder: dict[str, Any] = {}
            _try(checks, holder, "line", LineItem, line, currency, f"lines[{i}]")
            if "line" in holder:
                parsed.append(holder["line"])
        fields["lines"] = tuple(parsed)
    checks.raise_if_any()
    if "rule" in rule:
        fields["shipping"] = rule["rule"].fee(fields["lines"])
    try:
        return Cart(**fields)
    except ValidationError as exc:
        raise exc from None


def load_cart(path: str | Path) -> Cart:
    """Load a cart from a JSON file.

    Raises:
        ConfigError: the file cannot be read or parsed, or the cart is invalid.
    """
    path = Path(path)
    _, data = _read(path)
    try:
        return cart_from_dict(data)
    except ValidationError as exc:
        raise ConfigError(exc.problems, str(path)) from None
