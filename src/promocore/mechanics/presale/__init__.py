"""Deposit-inflation presales (定金膨胀).

Before a big sale the shopper pays a deposit (定金) that later counts for more
(定金50抵150), then pays the rest (尾款) in the final-payment window, where
order-stage ladders and coupons may stack on it.

* [`PresaleParams`][promocore.mechanics.presale.params.PresaleParams]: the terms, validated
  (including the legal cap on a 定金, [`legal`][promocore.mechanics.presale.legal]).
* The ``presale`` mechanic prices both phases;
  [`quote_deposit`][promocore.mechanics.presale.quotes.quote_deposit] and
  [`quote_final`][promocore.mechanics.presale.quotes.quote_final] wrap the engine and explain every
  step.
* [`PresaleOrder`][promocore.mechanics.presale.order.PresaleOrder] with pure
  [`transition`][promocore.mechanics.presale.transitions.transition] s, and
  [`PresaleService`][promocore.mechanics.presale.service.PresaleService] running them over a store
  and a ledger.
"""

from promocore.mechanics.presale.commands import (
    Cancel,
    Command,
    Fulfill,
    Lapse,
    PayDeposit,
    PayFinal,
    Refund,
)
from promocore.mechanics.presale.errors import (
    AmountError,
    HoldLostError,
    IdempotencyConflictError,
    IllegalTransitionError,
    OrderNotFoundError,
    OutsideWindowError,
    PresaleError,
    QuoteUnavailableError,
    RefundExceedsPaidError,
    UnavailableError,
)
from promocore.mechanics.presale.events import (
    Cancelled,
    Compensated,
    DepositForfeited,
    DepositPaid,
    Event,
    FinalPaid,
    Fulfilled,
    Lapsed,
    OrderCreated,
    Refunded,
)
from promocore.mechanics.presale.legal import (
    DEPOSIT_CAP_PERCENT,
    DepositSplit,
    deposit_cap,
    exceeds_deposit_cap,
    split_deposit,
)
from promocore.mechanics.presale.lines import ORDER_REF, PHASE_REF, Phase, presale_line
from promocore.mechanics.presale.mechanic import MECHANIC, Presale, pricing_stage
from promocore.mechanics.presale.order import (
    Party,
    Payment,
    PresaleOrder,
    RefundRecord,
    Status,
)
from promocore.mechanics.presale.params import (
    DepositPolicy,
    ExcessDeposit,
    PresaleParams,
    ThresholdBase,
    Window,
)
from promocore.mechanics.presale.quotes import (
    DepositQuote,
    FinalQuote,
    Step,
    quote_deposit,
    quote_final,
)
from promocore.mechanics.presale.service import ORDER_KIND, Outcome, PresaleService
from promocore.mechanics.presale.settlement import Settlement, settle
from promocore.mechanics.presale.transitions import Transition, open_order, transition

__all__ = [
    "DEPOSIT_CAP_PERCENT",
    "MECHANIC",
    "ORDER_KIND",
    "ORDER_REF",
    "PHASE_REF",
    "AmountError",
    "Cancel",
    "Cancelled",
    "Command",
    "Compensated",
    "DepositForfeited",
    "DepositPaid",
    "DepositPolicy",
    "DepositQuote",
    "DepositSplit",
    "Event",
    "ExcessDeposit",
    "FinalPaid",
    "FinalQuote",
    "Fulfill",
    "Fulfilled",
    "HoldLostError",
    "IdempotencyConflictError",
    "IllegalTransitionError",
    "Lapse",
    "Lapsed",
    "OrderCreated",
    "OrderNotFoundError",
    "Outcome",
    "OutsideWindowError",
    "Party",
    "PayDeposit",
    "PayFinal",
    "Payment",
    "Phase",
    "Presale",
    "PresaleError",
    "PresaleOrder",
    "PresaleParams",
    "PresaleService",
    "QuoteUnavailableError",
    "Refund",
    "RefundExceedsPaidError",
    "RefundRecord",
    "Refunded",
    "Settlement",
    "Status",
    "Step",
    "ThresholdBase",
    "Transition",
    "UnavailableError",
    "Window",
    "deposit_cap",
    "exceeds_deposit_cap",
    "open_order",
    "presale_line",
    "pricing_stage",
    "quote_deposit",
    "quote_final",
    "settle",
    "split_deposit",
    "transition",
]
