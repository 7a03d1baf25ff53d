"""Distribution commissions (分销): shoppers become promoters and earn on their referrals' orders.

A customer is bound to the promoter whose link they followed. When they pay, up to three
promoters up their chain earn a commission on each eligible line, recorded frozen until the
return window ends, then settled into the promoter's account; refunds and returns reduce or
cancel them and claw back what had settled. The same shape as every game (see
[`promocore.games`][promocore.games]):

* [`params`][promocore.games.commission.params]: the program
  ([`CommissionParams`][promocore.games.commission.params.CommissionParams], the binding policy)
  and [`compliance`][promocore.games.commission.compliance];
* [`model`][promocore.games.commission.model]: bindings, an order's commission records, promoter
  accounts, and their commands and events;
* [`rules`][promocore.games.commission.rules]: the pure transitions and the games the runner runs;
  [`compute`][promocore.games.commission.compute] works out an order's commissions from its paid
  lines ([`order`][promocore.games.commission.order]);
* [`mechanic`][promocore.games.commission.mechanic]: the ``commission`` mechanic, the estimate in
  quotes;
* [`service`][promocore.games.commission.service]:
  [`CommissionService`][promocore.games.commission.service.CommissionService], all of it over a
  [`Store`][promocore.state.Store];
* [`errors`][promocore.games.commission.errors] and
  [`strategies`][promocore.games.commission.strategies] (for the tests).

Names are loaded on first use: importing the mechanic loads no service and no store.

Examples:
    >>> from datetime import datetime, timezone
    >>> from decimal import Decimal
    >>> from promocore.games.commission import (
    ...     CommissionParams, CommissionService, OrderLine, PaidOrder, Rate
    ... )
    >>> from promocore.money import Money
    >>> from promocore.state import MemoryStore
    >>> at = datetime(2026, 6, 18, 20, 0, tzinfo=timezone.utc)
    >>> params = CommissionParams(rates=(Rate(percent=Decimal(10)),), freeze_days=7)
    >>> service = CommissionService(MemoryStore(), params, currency="CNY")
    >>> _ = service.join("amy", now=at)
    >>> _ = service.bind("bo", "amy", now=at)
    >>> line = OrderLine("1", "tea", 2, Money(19_900, "CNY"))
    >>> outcome = service.record_order(PaidOrder("o-1", "bo", "CNY", at, [line]), now=at)
    >>> outcome.state.total.display()
    '¥19.90'
    >>> service.account("amy").frozen.display()
    '¥19.90'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.games.commission.compute import compute as compute  # a submodule named so
from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.commission.compliance import MAX_LEVELS as MAX_LEVELS
    from promocore.games.commission.compliance import ComplianceNote as ComplianceNote
    from promocore.games.commission.compliance import ComplianceProfile as ComplianceProfile
    from promocore.games.commission.compliance import ComplianceWarning as ComplianceWarning
    from promocore.games.commission.compute import Computation as Computation
    from promocore.games.commission.compute import Draft as Draft
    from promocore.games.commission.compute import Ineligible as Ineligible
    from promocore.games.commission.compute import IneligibleReason as IneligibleReason
    from promocore.games.commission.errors import BindingCycleError as BindingCycleError
    from promocore.games.commission.errors import BindingRefusedError as BindingRefusedError
    from promocore.games.commission.errors import CommissionError as CommissionError
    from promocore.games.commission.errors import (
        IdempotencyConflictError as IdempotencyConflictError,
    )
    from promocore.games.commission.errors import (
        InsufficientBalanceError as InsufficientBalanceError,
    )
    from promocore.games.commission.errors import NotAPromoterError as NotAPromoterError
    from promocore.games.commission.errors import RefundExceedsPaidError as RefundExceedsPaidError
    from promocore.games.commission.errors import SelfBindingError as SelfBindingError
    from promocore.games.commission.errors import UnknownOrderError as UnknownOrderError
    from promocore.games.commission.errors import WithdrawalRefusedError as WithdrawalRefusedError
    from promocore.games.commission.model import Binding as Binding
    from promocore.games.commission.model import BindingState as BindingState
    from promocore.games.commission.model import Bound as Bound
    from promocore.games.commission.model import CommissionRecord as CommissionRecord
    from promocore.games.commission.model import IgnoreReason as IgnoreReason
    from promocore.games.commission.model import LinkIgnored as LinkIgnored
    from promocore.games.commission.model import OrderCommissions as OrderCommissions
    from promocore.games.commission.model import Posting as Posting
    from promocore.games.commission.model import PostingKind as PostingKind
    from promocore.games.commission.model import PromoterAccount as PromoterAccount
    from promocore.games.commission.model import RecordStatus as RecordStatus
    from promocore.games.commission.model import Refund as Refund
    from promocore.games.commission.model import RefundLine as RefundLine
    from promocore.games.commission.model import Renewed as Renewed
    from promocore.games.commission.model import Withdrawal as Withdrawal
    from promocore.games.commission.order import OrderLine as OrderLine
    from promocore.games.commission.order import PaidOrder as PaidOrder
    from promocore.games.commission.order import activity_of as activity_of
    from promocore.games.commission.order import paid_order_from_quote as paid_order_from_quote
    from promocore.games.commission.params import BindingMode as BindingMode
    from promocore.games.commission.params import BindingPolicy as BindingPolicy
    from promocore.games.commission.params import CommissionBase as CommissionBase
    from promocore.games.commission.params import CommissionParams as CommissionParams
    from promocore.games.commission.params import Rank as Rank
    from promocore.games.commission.params import RankBasis as RankBasis
    from promocore.games.commission.params import Rate as Rate
    from promocore.games.commission.params import SkuRates as SkuRates
    from promocore.games.commission.params import WithdrawalRules as WithdrawalRules
    from promocore.games.commission.rules import accounts as accounts
    from promocore.games.commission.rules import bindings as bindings
    from promocore.games.commission.rules import orders as orders
    from promocore.games.commission.rules import return_refund as return_refund
    from promocore.games.commission.rules import walk_upline as walk_upline
    from promocore.games.commission.service import CommissionService as CommissionService
    from promocore.games.commission.service import SweepReport as SweepReport
    from promocore.games.runtime import Outcome as Outcome


_EXPORTS = {
    "Binding": "promocore.games.commission.model",
    "BindingCycleError": "promocore.games.commission.errors",
    "BindingMode": "promocore.games.commission.params",
    "BindingPolicy": "promocore.games.commission.params",
    "BindingRefusedError": "promocore.games.commission.errors",
    "BindingState": "promocore.games.commission.model",
    "Bound": "promocore.games.commission.model",
    "CommissionBase": "promocore.games.commission.params",
    "CommissionError": "promocore.games.commission.errors",
    "CommissionParams": "promocore.games.commission.params",
    "CommissionRecord": "promocore.games.commission.model",
    "CommissionService": "promocore.games.commission.service",
    "ComplianceNote": "promocore.games.commission.compliance",
    "ComplianceProfile": "promocore.games.commission.compliance",
    "ComplianceWarning": "promocore.games.commission.compliance",
    "Computation": "promocore.games.commission.compute",
    "Draft": "promocore.games.commission.compute",
    "IdempotencyConflictError": "promocore.games.commission.errors",
    "IgnoreReason": "promocore.games.commission.model",
    "Ineligible": "promocore.games.commission.compute",
    "IneligibleReason": "promocore.games.commission.compute",
    "InsufficientBalanceError": "promocore.games.commission.errors",
    "LinkIgnored": "promocore.games.commission.model",
    "MAX_LEVELS": "promocore.games.commission.compliance",
    "NotAPromoterError": "promocore.games.commission.errors",
    "OrderCommissions": "promocore.games.commission.model",
    "OrderLine": "promocore.games.commission.order",
    "Outcome": "promocore.games.runtime",
    "PaidOrder": "promocore.games.commission.order",
    "Posting": "promocore.games.commission.model",
    "PostingKind": "promocore.games.commission.model",
    "PromoterAccount": "promocore.games.commission.model",
    "Rank": "promocore.games.commission.params",
    "RankBasis": "promocore.games.commission.params",
    "Rate": "promocore.games.commission.params",
    "RecordStatus": "promocore.games.commission.model",
    "Refund": "promocore.games.commission.model",
    "RefundExceedsPaidError": "promocore.games.commission.errors",
    "RefundLine": "promocore.games.commission.model",
    "Renewed": "promocore.games.commission.model",
    "SelfBindingError": "promocore.games.commission.errors",
    "SkuRates": "promocore.games.commission.params",
    "SweepReport": "promocore.games.commission.service",
    "UnknownOrderError": "promocore.games.commission.errors",
    "Withdrawal": "promocore.games.commission.model",
    "WithdrawalRefusedError": "promocore.games.commission.errors",
    "WithdrawalRules": "promocore.games.commission.params",
    "accounts": "promocore.games.commission.rules",
    "activity_of": "promocore.games.commission.order",
    "bindings": "promocore.games.commission.rules",
    "orders": "promocore.games.commission.rules",
    "paid_order_from_quote": "promocore.games.commission.order",
    "return_refund": "promocore.games.commission.rules",
    "walk_upline": "promocore.games.commission.rules",
}

__all__ = sorted([*_EXPORTS, "compute"])
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
