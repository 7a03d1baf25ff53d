"""Hypothesis strategies for promocore's values, with keyword-only arguments.

Every strategy takes strategies for its parts, so a test narrows exactly what it
needs (``carts(lines=line_items(skus=st.just("sku-1")))``). Defaults draw from small
vocabularies of skus, categories, tiers and segments, so drawn scopes, audiences
and carts often meet. Money is always exact: integer minor units of a known currency.

The main types are also registered with hypothesis through its entry point, so
``st.from_type(Money)`` or ``st.from_type(Cart)`` work without importing this module.
"""

from promocore.testing.strategies._campaigns import campaigns, contexts
from promocore.testing.strategies._carts import carts, customers, labels, line_items
from promocore.testing.strategies._money import currencies, moments, money, rates
from promocore.testing.strategies._params import for_type, from_attrs, params_for
from promocore.testing.strategies._parts import (
    audiences,
    budgets,
    condition_leaves,
    conditions,
    limits,
    schedules,
    scopes,
)

__all__ = [
    "audiences",
    "budgets",
    "campaigns",
    "carts",
    "condition_leaves",
    "conditions",
    "contexts",
    "currencies",
    "customers",
    "for_type",
    "from_attrs",
    "labels",
    "limits",
    "line_items",
    "moments",
    "money",
    "params_for",
    "rates",
    "schedules",
    "scopes",
]
