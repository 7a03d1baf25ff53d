"""The ledger accounts that keep coupon counts honest across processes.

Each template has three accounts: a stock of the coupons that may still be
issued (发行量), a per-customer usage counter of claims (每人限领) and a
per-code usage counter of the orders a coupon may be used in. Locking a coupon
in an order reserves one use of its code until the order is paid (commit) or
cancelled (release); an unpaid order's reservation lapses on its own.
"""

from __future__ import annotations

from promocore.games.coupons.params import CouponTemplate
from promocore.ledger import AccountSpec


def issued_account(template_id: str) -> str:
    """The stock of coupons of ``template_id`` that may still be issued."""
    return f"coupon.issued:{template_id}"


def claims_account(template_id: str) -> str:
    """Claims of ``template_id`` per customer."""
    return f"coupon.claims:{template_id}"


def uses_account(template_id: str) -> str:
    """Orders each code of ``template_id`` was used in."""
    return f"coupon.uses:{template_id}"


def account_specs(template: CouponTemplate) -> tuple[AccountSpec, ...]:
    """The accounts ``template`` needs, with their limits."""
    return (
        AccountSpec.stock(issued_account(template.id), template.issue_quantity),
        AccountSpec.usage(claims_account(template.id), template.per_customer),
        AccountSpec.usage(uses_account(template.id), template.uses_per_code),
    )


def claim_key(template_id: str, key: str) -> str:
    """The reservation key of the claim (or grant) request ``key``."""
    return f"coupon.claim:{template_id}:{key}"


def code_claim_key(code: str) -> str:
    """The reservation key of claiming the issued code ``code``."""
    return f"coupon.claim-code:{code}"


def batch_key(template_id: str, key: str) -> str:
    """The reservation key of the batch issue request ``key``."""
    return f"coupon.issue:{template_id}:{key}"


def lock_key(subject: str, order_id: str) -> str:
    """The reservation key of locking a coupon in ``order_id``.

    ``subject`` is the coupon's ledger subject (its code, renewed when it is given back; see
    [`Coupon.lock_subject`][promocore.games.coupons.model.Coupon.lock_subject]).
    """
    return f"coupon.lock:{subject}:{order_id}"
