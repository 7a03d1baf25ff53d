"""Distribution commissions (分销): shoppers become promoters and earn on their referrals' orders.

A customer is bound to the promoter whose link they followed
([`binding`][promocore.commission.binding]). When they pay, up to three promoters up
their chain earn a commission on each eligible line
([`compute`][promocore.commission.compute]), recorded frozen until the return window
ends, then settled into the promoter's account; refunds reduce or cancel them
and claw back what had settled ([`records`][promocore.commission.records],
[`accounts`][promocore.commission.accounts]).
[`CommissionService`][promocore.commission.service.CommissionService] runs all of it over a
[`Store`][promocore.state.Store]; the ``commission`` mechanic shows the estimate in quotes.

Examples:
    >>> from datetime import datetime, timezone
    >>> from decimal import Decimal
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

from promocore.commission.accounts import PromoterAccount, Withdrawal
from promocore.commission.binding import (
    Binding,
    BindingMode,
    BindingPolicy,
    BindingState,
    Bound,
    IgnoreReason,
    LinkIgnored,
    Renewed,
    walk_upline,
)
from promocore.commission.compliance import (
    MAX_LEVELS,
    ComplianceNote,
    ComplianceProfile,
    ComplianceWarning,
)
from promocore.commission.compute import Computation, Draft, Ineligible, IneligibleReason, compute
from promocore.commission.errors import (
    BindingCycleError,
    BindingRefusedError,
    CommissionError,
    IdempotencyConflictError,
    InsufficientBalanceError,
    NotAPromoterError,
    RefundExceedsPaidError,
    SelfBindingError,
    UnknownOrderError,
    WithdrawalRefusedError,
)
from promocore.commission.order import OrderLine, PaidOrder, activity_of, paid_order_from_quote
from promocore.commission.params import (
    CommissionBase,
    CommissionParams,
    Rank,
    RankBasis,
    Rate,
    SkuRates,
    WithdrawalRules,
)
from promocore.commission.postings import Posting, PostingKind
from promocore.commission.records import (
    CommissionRecord,
    OrderCommissions,
    RecordStatus,
    Refund,
    RefundLine,
)
from promocore.commission.service import CommissionService, Outcome, SweepReport

__all__ = [
    "MAX_LEVELS",
    "Binding",
    "BindingCycleError",
    "BindingMode",
    "BindingPolicy",
    "BindingRefusedError",
    "BindingState",
    "Bound",
    "CommissionBase",
    "CommissionError",
    "CommissionParams",
    "CommissionRecord",
    "CommissionService",
    "ComplianceNote",
    "ComplianceProfile",
    "ComplianceWarning",
    "Computation",
    "Draft",
    "IdempotencyConflictError",
    "IgnoreReason",
    "Ineligible",
    "IneligibleReason",
    "InsufficientBalanceError",
    "LinkIgnored",
    "NotAPromoterError",
    "OrderCommissions",
    "OrderLine",
    "Outcome",
    "PaidOrder",
    "Posting",
    "PostingKind",
    "PromoterAccount",
    "Rank",
    "RankBasis",
    "Rate",
    "RecordStatus",
    "Refund",
    "RefundExceedsPaidError",
    "RefundLine",
    "Renewed",
    "SelfBindingError",
    "SkuRates",
    "SweepReport",
    "UnknownOrderError",
    "Withdrawal",
    "WithdrawalRefusedError",
    "WithdrawalRules",
    "activity_of",
    "compute",
    "paid_order_from_quote",
    "walk_upline",
]
