"""Deposit-inflation presales (定金膨胀).

Before a big sale the shopper pays a deposit (定金) that later counts for more (定金50抵150), then
pays the rest (尾款) in the final-payment window, where order-stage ladders and coupons may stack
on it. Units can come back after the final payment, refunding their share of what was paid.

The same shape as every game (see [`promocore.games`][promocore.games]):

* [`params`][promocore.games.presale.params]: the terms,
  [`PresaleParams`][promocore.games.presale.params.PresaleParams], with the legal cap on a 定金
  ([`legal`][promocore.games.presale.legal]);
* [`model`][promocore.games.presale.model]: the order, its commands and events;
* [`rules`][promocore.games.presale.rules]: the pure transitions and the game the runner runs;
  [`settlement`][promocore.games.presale.settlement] divides the money of an order ending early;
* [`mechanic`][promocore.games.presale.mechanic]: the ``presale`` mechanic, pricing both phases of
  the lines [`lines`][promocore.games.presale.lines] builds;
  [`quote_deposit`][promocore.games.presale.quotes.quote_deposit] and
  [`quote_final`][promocore.games.presale.quotes.quote_final] wrap the engine and explain every
  step;
* [`service`][promocore.games.presale.service]:
  [`PresaleService`][promocore.games.presale.service.PresaleService], over a store and a ledger
  ([`holds`][promocore.games.presale.holds]);
* [`errors`][promocore.games.presale.errors] and
  [`strategies`][promocore.games.presale.strategies] (for the tests).

Names are loaded on first use: importing the mechanic loads no service and no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.presale.errors import AmountError as AmountError
    from promocore.games.presale.errors import HoldLostError as HoldLostError
    from promocore.games.presale.errors import IdempotencyConflictError as IdempotencyConflictError
    from promocore.games.presale.errors import IllegalTransitionError as IllegalTransitionError
    from promocore.games.presale.errors import OrderNotFoundError as OrderNotFoundError
    from promocore.games.presale.errors import OutsideWindowError as OutsideWindowError
    from promocore.games.presale.errors import PresaleError as PresaleError
    from promocore.games.presale.errors import QuoteUnavailableError as QuoteUnavailableError
    from promocore.games.presale.errors import RefundExceedsPaidError as RefundExceedsPaidError
    from promocore.games.presale.errors import UnavailableError as UnavailableError
    from promocore.games.presale.legal import DEPOSIT_CAP_PERCENT as DEPOSIT_CAP_PERCENT
    from promocore.games.presale.legal import DepositSplit as DepositSplit
    from promocore.games.presale.legal import deposit_cap as deposit_cap
    from promocore.games.presale.legal import exceeds_deposit_cap as exceeds_deposit_cap
    from promocore.games.presale.legal import split_deposit as split_deposit
    from promocore.games.presale.lines import ORDER_REF as ORDER_REF
    from promocore.games.presale.lines import PHASE_REF as PHASE_REF
    from promocore.games.presale.lines import Phase as Phase
    from promocore.games.presale.lines import presale_line as presale_line
    from promocore.games.presale.mechanic import MECHANIC as MECHANIC
    from promocore.games.presale.mechanic import Presale as Presale
    from promocore.games.presale.mechanic import pricing_stage as pricing_stage
    from promocore.games.presale.model import Cancel as Cancel
    from promocore.games.presale.model import Cancelled as Cancelled
    from promocore.games.presale.model import Command as Command
    from promocore.games.presale.model import Compensated as Compensated
    from promocore.games.presale.model import DepositForfeited as DepositForfeited
    from promocore.games.presale.model import DepositPaid as DepositPaid
    from promocore.games.presale.model import Event as Event
    from promocore.games.presale.model import FinalPaid as FinalPaid
    from promocore.games.presale.model import Fulfill as Fulfill
    from promocore.games.presale.model import Fulfilled as Fulfilled
    from promocore.games.presale.model import Lapse as Lapse
    from promocore.games.presale.model import Lapsed as Lapsed
    from promocore.games.presale.model import OrderCreated as OrderCreated
    from promocore.games.presale.model import Party as Party
    from promocore.games.presale.model import PayDeposit as PayDeposit
    from promocore.games.presale.model import PayFinal as PayFinal
    from promocore.games.presale.model import Payment as Payment
    from promocore.games.presale.model import PresaleOrder as PresaleOrder
    from promocore.games.presale.model import Refund as Refund
    from promocore.games.presale.model import Refunded as Refunded
    from promocore.games.presale.model import RefundRecord as RefundRecord
    from promocore.games.presale.model import Return as Return
    from promocore.games.presale.model import Returned as Returned
    from promocore.games.presale.model import Status as Status
    from promocore.games.presale.params import DepositPolicy as DepositPolicy
    from promocore.games.presale.params import ExcessDeposit as ExcessDeposit
    from promocore.games.presale.params import PresaleParams as PresaleParams
    from promocore.games.presale.params import ThresholdBase as ThresholdBase
    from promocore.games.presale.params import Window as Window
    from promocore.games.presale.quotes import DepositQuote as DepositQuote
    from promocore.games.presale.quotes import FinalQuote as FinalQuote
    from promocore.games.presale.quotes import Step as Step
    from promocore.games.presale.quotes import quote_deposit as quote_deposit
    from promocore.games.presale.quotes import quote_final as quote_final
    from promocore.games.presale.rules import ORDERS as ORDERS
    from promocore.games.presale.rules import Transition as Transition
    from promocore.games.presale.rules import open_order as open_order
    from promocore.games.presale.rules import transition as transition
    from promocore.games.presale.service import ORDER_KIND as ORDER_KIND
    from promocore.games.presale.service import PresaleService as PresaleService
    from promocore.games.presale.settlement import Settlement as Settlement
    from promocore.games.presale.settlement import settle as settle
    from promocore.games.runtime import Outcome as Outcome


_EXPORTS = {
    "AmountError": "promocore.games.presale.errors",
    "Cancel": "promocore.games.presale.model",
    "Cancelled": "promocore.games.presale.model",
    "Command": "promocore.games.presale.model",
    "Compensated": "promocore.games.presale.model",
    "DEPOSIT_CAP_PERCENT": "promocore.games.presale.legal",
    "DepositForfeited": "promocore.games.presale.model",
    "DepositPaid": "promocore.games.presale.model",
    "DepositPolicy": "promocore.games.presale.params",
    "DepositQuote": "promocore.games.presale.quotes",
    "DepositSplit": "promocore.games.presale.legal",
    "Event": "promocore.games.presale.model",
    "ExcessDeposit": "promocore.games.presale.params",
    "FinalPaid": "promocore.games.presale.model",
    "FinalQuote": "promocore.games.presale.quotes",
    "Fulfill": "promocore.games.presale.model",
    "Fulfilled": "promocore.games.presale.model",
    "HoldLostError": "promocore.games.presale.errors",
    "IdempotencyConflictError": "promocore.games.presale.errors",
    "IllegalTransitionError": "promocore.games.presale.errors",
    "Lapse": "promocore.games.presale.model",
    "Lapsed": "promocore.games.presale.model",
    "MECHANIC": "promocore.games.presale.mechanic",
    "ORDERS": "promocore.games.presale.rules",
    "ORDER_KIND": "promocore.games.presale.service",
    "ORDER_REF": "promocore.games.presale.lines",
    "OrderCreated": "promocore.games.presale.model",
    "OrderNotFoundError": "promocore.games.presale.errors",
    "Outcome": "promocore.games.runtime",
    "OutsideWindowError": "promocore.games.presale.errors",
    "PHASE_REF": "promocore.games.presale.lines",
    "Party": "promocore.games.presale.model",
    "PayDeposit": "promocore.games.presale.model",
    "PayFinal": "promocore.games.presale.model",
    "Payment": "promocore.games.presale.model",
    "Phase": "promocore.games.presale.lines",
    "Presale": "promocore.games.presale.mechanic",
    "PresaleError": "promocore.games.presale.errors",
    "PresaleOrder": "promocore.games.presale.model",
    "PresaleParams": "promocore.games.presale.params",
    "PresaleService": "promocore.games.presale.service",
    "QuoteUnavailableError": "promocore.games.presale.errors",
    "Refund": "promocore.games.presale.model",
    "RefundExceedsPaidError": "promocore.games.presale.errors",
    "RefundRecord": "promocore.games.presale.model",
    "Refunded": "promocore.games.presale.model",
    "Return": "promocore.games.presale.model",
    "Returned": "promocore.games.presale.model",
    "Settlement": "promocore.games.presale.settlement",
    "Status": "promocore.games.presale.model",
    "Step": "promocore.games.presale.quotes",
    "ThresholdBase": "promocore.games.presale.params",
    "Transition": "promocore.games.presale.rules",
    "UnavailableError": "promocore.games.presale.errors",
    "Window": "promocore.games.presale.params",
    "deposit_cap": "promocore.games.presale.legal",
    "exceeds_deposit_cap": "promocore.games.presale.legal",
    "open_order": "promocore.games.presale.rules",
    "presale_line": "promocore.games.presale.lines",
    "pricing_stage": "promocore.games.presale.mechanic",
    "quote_deposit": "promocore.games.presale.quotes",
    "quote_final": "promocore.games.presale.quotes",
    "settle": "promocore.games.presale.settlement",
    "split_deposit": "promocore.games.presale.legal",
    "transition": "promocore.games.presale.rules",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
