"""Readable descriptions of law examples, for failure reports."""

from __future__ import annotations

import json

from promocore.cart import Cart
from promocore.config import campaign_to_dict
from promocore.mechanic import Context
from promocore.testing.law import Sample


def describe_cart(cart: Cart) -> list[str]:
    """Describe a cart line by line."""
    customer = cart.customer
    who = "anonymous"
    if customer is not None:
        who = (
            f"customer {customer.id} tier={customer.tier} "
            f"segments={sorted(customer.segments)} new={customer.is_new}"
        )
    out = [f"cart ({cart.currency}, {who}):"]
    for i, line in enumerate(cart.lines):
        extras = ""
        if line.categories:
            extras += f" categories={sorted(line.categories)}"
        if line.tags:
            extras += f" tags={sorted(line.tags)}"
        if line.refs:
            extras += f" refs={dict(line.refs)}"
        out.append(f"  [{i}] {line.sku} x{line.quantity} @ {line.unit_price.format()}{extras}")
    return out


def describe_context(context: Context | None) -> list[str]:
    """Describe what a mechanic was shown."""
    if context is None:
        return ["context: none (no line in scope; the engine does not ask the mechanic)"]
    limit = "" if context.unit_limit is None else f", unit limit {context.unit_limit}"
    out = [f"context ({context.stage.value} stage, exclusive={context.exclusive}{limit}):"]
    for view in context.lines:
        out.append(
            f"  line [{view.index}] payable {view.payable.format()} "
            f"units {view.units}/{view.line.quantity} base {view.base.format()}"
        )
    return out


def describe(sample: Sample) -> str:
    """Describe a law example: campaign (as config data), moment, cart and context."""
    campaign = json.dumps(campaign_to_dict(sample.campaign), ensure_ascii=False, default=str)
    lines = [
        f"mechanic: {sample.mechanic.name}",
        f"campaign: {campaign}",
        f"at: {sample.at.isoformat()}",
        *describe_cart(sample.cart),
        *describe_context(sample.context),
    ]
    return "\n".join(lines)
