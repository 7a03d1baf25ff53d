"""Hand-checked quotes: 定金50抵150 on a ¥999 item, with 满300减30 on the final payment."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from promocore.cart import Cart, Customer, LineItem
from promocore.engine import Engine, price
from promocore.errors import ValidationError
from promocore.games.presale import (
    ExcessDeposit,
    IllegalTransitionError,
    OutsideWindowError,
    Phase,
    QuoteUnavailableError,
    Status,
    presale_line,
    quote_deposit,
    quote_final,
)
from promocore.quote import Reason
from tests.games.presale.builders import (
    FINAL_CLOSES,
    IN_DEPOSIT,
    IN_FINAL,
    cny,
    coupon,
    deposit_paid_order,
    every_300_off_30,
    full_price_base,
    ladder_300_off_30,
    presale,
    terms,
)


class TestDepositPhase:
    def test_pay_the_deposit_now(self) -> None:
        quote = quote_deposit(presale(), quantity=1, at=IN_DEPOSIT)
        assert quote.pay_now == cny("50")
        assert quote.legal_deposit == cny("50")
        assert quote.prepayment == cny("0")
        assert quote.deduction == cny("150")
        assert quote.final_due == cny("849")
        assert quote.quote.total == cny("50")
        assert [s.code for s in quote.steps] == ["contract", "deposit", "deduction", "final_due"]
        assert quote.steps[1].message == "pay now: 定金 ¥50.00 × 1 = ¥50.00"
        assert quote.steps[2].message == (
            "at final payment the deposit counts as ¥150.00 (¥100.00 more than paid)"
        )

    def test_quantity_multiplies_everything(self) -> None:
        quote = quote_deposit(presale(), quantity=3, at=IN_DEPOSIT)
        assert (quote.pay_now, quote.deduction, quote.final_due) == (
            cny("150"),
            cny("450"),
            cny("2547"),
        )

    def test_the_quote_shows_an_excess_deposit_as_a_prepayment(self) -> None:
        params = terms(
            deposit=cny("300"), deduction=cny("400"), excess_deposit=ExcessDeposit.PREPAYMENT
        )
        quote = quote_deposit(presale(params), quantity=1, at=IN_DEPOSIT)
        assert quote.pay_now == cny("300")
        assert quote.legal_deposit == cny("199.80")
        assert quote.prepayment == cny("100.20")
        step = next(s for s in quote.steps if s.code == "prepayment")
        assert "20% of ¥999.00 = ¥199.80" in step.message
        assert "refundable" in step.message
        effect = quote.quote.to_dict()["effects"][0]
        assert effect["kind"] == "presale_deposit"
        assert effect["detail"]["prepayment"] == "100.20"
        assert effect["detail"]["legal_deposit"] == "199.80"

    def test_outside_the_deposit_window_there_is_no_quote(self) -> None:
        with pytest.raises(QuoteUnavailableError) as caught:
            quote_deposit(presale(), quantity=1, at=IN_FINAL)
        assert caught.value.reason == Reason.ENDED

    def test_the_per_customer_limit_applies(self) -> None:
        with pytest.raises(QuoteUnavailableError) as caught:
            quote_deposit(presale(), quantity=4, at=IN_DEPOSIT)
        assert caught.value.reason == Reason.LIMIT_REACHED
        assert "3 units are allowed per customer" in str(caught.value)

    def test_a_deposit_stacks_with_nothing(self) -> None:
        line = presale_line(terms(), 1, Phase.DEPOSIT)
        cart = Cart("CNY", (line,), Customer("amy"), IN_DEPOSIT)
        quote = price(cart, [presale(), every_300_off_30()])
        assert quote.total == cny("50")
        assert quote.reason("cross-store") == Reason.UNITS_TAKEN


class TestFinalPhase:
    """定金50抵150 on ¥999: the final amount is ¥849 before other campaigns."""

    def test_every_300_off_30_on_the_final_amount(self) -> None:
        quote = quote_final(
            Engine([presale(), every_300_off_30()]), deposit_paid_order(), at=IN_FINAL
        )
        # ¥999 - ¥150 = ¥849 -> two steps of ¥300 -> ¥60 off -> ¥789.
        assert quote.deduction == cny("150")
        assert quote.stacked == cny("60")
        assert quote.final_amount == cny("789")
        assert quote.total_paid == cny("839")
        assert quote.inflation == cny("100")
        assert [(s.code, s.amount) for s in quote.steps] == [
            ("contract", cny("999")),
            ("deduction", cny("-150")),
            ("order", cny("-60")),
            ("final_amount", cny("789")),
        ]
        assert quote.steps[1].message == "定金 ¥50.00 抵 ¥150.00: ¥50.00 paid + ¥100.00 膨胀"
        assert quote.steps[2].message == "order stage, 每满300减30: -¥60.00"

    def test_every_300_off_30_on_the_full_presale_price(self) -> None:
        campaign = full_price_base()
        quote = quote_final(
            Engine([campaign, every_300_off_30()]), deposit_paid_order(campaign), at=IN_FINAL
        )
        # ¥999 -> three steps of ¥300 -> ¥90 off -> ¥909, then the ¥150 deduction -> ¥759.
        assert quote.stacked == cny("90")
        assert quote.final_amount == cny("759")
        assert quote.total_paid == cny("809")
        assert [(s.code, s.amount) for s in quote.steps] == [
            ("contract", cny("999")),
            ("order", cny("-90")),
            ("deduction", cny("-150")),
            ("final_amount", cny("759")),
        ]

    @pytest.mark.parametrize("full_price", [False, True])
    def test_a_single_tier_of_300_off_30_is_met_on_either_base(self, full_price: bool) -> None:
        campaign = full_price_base() if full_price else presale()
        quote = quote_final(
            Engine([campaign, ladder_300_off_30()]), deposit_paid_order(campaign), at=IN_FINAL
        )
        assert quote.final_amount == cny("819")
        assert quote.total_paid == cny("869")

    @pytest.mark.parametrize(("full_price", "final"), [(False, "1548"), (True, "1518")])
    def test_two_units(self, full_price: bool, final: str) -> None:
        campaign = full_price_base() if full_price else presale()
        order = deposit_paid_order(campaign, quantity=2)
        quote = quote_final(Engine([campaign, every_300_off_30()]), order, at=IN_FINAL)
        # Final-amount base: ¥1998 - ¥300 = ¥1698, five steps, ¥150 off.
        # Full-price base: ¥1998, six steps, ¥180 off, then ¥300 deducted.
        assert quote.final_amount == cny(final)
        assert quote.deposit_paid == cny("100")

    def test_the_base_decides_whether_a_coupon_threshold_is_met(self) -> None:
        others = [every_300_off_30(), coupon("800", "100")]
        final_base = quote_final(Engine([presale(), *others]), deposit_paid_order(), at=IN_FINAL)
        # ¥849 - ¥60 = ¥789 < ¥800: the coupon does not apply.
        assert final_base.final_amount == cny("789")
        assert final_base.quote.reason("coupon") == Reason.BELOW_THRESHOLD
        campaign = full_price_base()
        full = quote_final(Engine([campaign, *others]), deposit_paid_order(campaign), at=IN_FINAL)
        # ¥999 - ¥90 = ¥909 >= ¥800: ¥100 off -> ¥809, then ¥150 -> ¥659.
        assert full.final_amount == cny("659")
        assert [s.code for s in full.steps] == [
            "contract",
            "order",
            "coupon",
            "deduction",
            "final_amount",
        ]

    def test_without_stacking_nothing_else_touches_the_line(self) -> None:
        campaign = presale(terms(stacks=False))
        quote = quote_final(
            Engine([campaign, every_300_off_30(), coupon("300", "50")]),
            deposit_paid_order(campaign),
            at=IN_FINAL,
        )
        assert quote.final_amount == cny("849")
        assert quote.stacked == cny("0")
        assert quote.quote.reason("cross-store") == Reason.UNITS_TAKEN
        assert quote.quote.reason("coupon") == Reason.UNITS_TAKEN

    def test_other_items_bought_with_the_final_payment_count_toward_thresholds(self) -> None:
        tea = LineItem("tea", cny("200"))
        quote = quote_final(
            Engine([presale(), every_300_off_30()]),
            deposit_paid_order(),
            at=IN_FINAL,
            other_lines=[tea],
        )
        # ¥849 + ¥200 = ¥1049: three steps, ¥90 shared by payable (¥72.84 and ¥17.16).
        assert quote.stacked == cny("72.84")
        assert quote.final_amount == cny("776.16")
        assert quote.pay_now == cny("959")

    def test_the_final_amount_never_goes_below_zero(self) -> None:
        campaign = full_price_base()
        quote = quote_final(
            Engine([campaign, every_300_off_30(), coupon("100", "900")]),
            deposit_paid_order(campaign),
            at=IN_FINAL,
        )
        # ¥999 - ¥90 - ¥900 = ¥9 left: the deduction takes ¥9 of its ¥150.
        assert quote.deduction == cny("9")
        assert quote.final_amount == cny("0")
        assert quote.total_paid == cny("50")
        assert "capped at ¥9.00" in quote.steps[3].message

    def test_nothing_is_deducted_from_a_final_payment_already_at_zero(self) -> None:
        campaign = full_price_base()
        quote = quote_final(
            Engine([campaign, every_300_off_30(), coupon("100", "1000")]),
            deposit_paid_order(campaign),
            at=IN_FINAL,
        )
        # ¥999 - ¥90 = ¥909, and the coupon takes all of it.
        assert (quote.deduction, quote.final_amount) == (cny("0"), cny("0"))
        assert quote.steps[-2].code == "deduction"
        assert "nothing left to deduct" in quote.steps[-2].message

    def test_the_quote_explains_itself_as_a_dict(self) -> None:
        quote = quote_final(
            Engine([presale(), every_300_off_30()]), deposit_paid_order(), at=IN_FINAL
        )
        data = quote.quote.to_dict()
        assert data["total"] == "789.00"
        effect = data["effects"][0]
        assert effect["kind"] == "presale_final"
        assert effect["detail"]["inflation"] == "100.00"
        assert effect["detail"]["order"] == "o-1"


class TestFinalQuoteRefusals:
    def test_outside_the_final_window(self) -> None:
        engine = Engine([presale()])
        with pytest.raises(OutsideWindowError):
            quote_final(engine, deposit_paid_order(), at=IN_DEPOSIT)
        with pytest.raises(OutsideWindowError):
            quote_final(engine, deposit_paid_order(), at=FINAL_CLOSES)

    def test_only_an_order_waiting_for_its_final_payment(self) -> None:
        order = attrs.evolve(deposit_paid_order(), status=Status.CANCELLED)
        with pytest.raises(IllegalTransitionError, match="cannot quote the final payment"):
            quote_final(Engine([presale()]), order, at=IN_FINAL)

    def test_the_engine_must_hold_the_campaign(self) -> None:
        with pytest.raises(ValidationError, match="has no campaign 'd11-presale'"):
            quote_final(Engine([every_300_off_30()]), deposit_paid_order(), at=IN_FINAL)

    def test_changed_terms_are_refused(self) -> None:
        changed = presale(terms(deduction=cny("200")))
        with pytest.raises(QuoteUnavailableError) as caught:
            quote_final(Engine([changed]), deposit_paid_order(), at=IN_FINAL)
        assert caught.value.reason == "terms_changed"
        assert "deduction" in str(caught.value)

    def test_another_customer_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="customer"):
            quote_final(
                Engine([presale()]), deposit_paid_order(), at=IN_FINAL, customer=Customer("bob")
            )

    def test_the_campaign_may_be_off_for_the_customer(self) -> None:
        from promocore.campaign import Audience

        closed = attrs.evolve(presale(), audience=Audience(customer_ids={"bob"}))
        with pytest.raises(QuoteUnavailableError) as caught:
            quote_final(Engine([closed]), deposit_paid_order(), at=IN_FINAL)
        assert caught.value.reason == Reason.AUDIENCE_MISMATCH


class TestMechanicThroughTheEngine:
    def cart(self, *lines: LineItem) -> Cart:
        return Cart("CNY", lines, Customer("amy"), IN_FINAL)

    def test_a_final_line_must_name_its_order(self) -> None:
        line = LineItem("lipstick-set", cny("999"), refs={"presale_phase": "final"})
        quote = price(self.cart(line), [presale()])
        assert quote.reason("d11-presale") == Reason.NOT_REFERENCED

    def test_a_line_not_at_the_presale_price_is_ineligible(self) -> None:
        line = LineItem(
            "lipstick-set", cny("1299"), refs={"presale_phase": "final", "presale": "o-1"}
        )
        quote = price(self.cart(line), [presale()])
        assert quote.reason("d11-presale") == Reason.INELIGIBLE
        assert quote.total == cny("1299")

    def test_an_unknown_phase_is_ineligible(self) -> None:
        line = LineItem("lipstick-set", cny("999"), refs={"presale_phase": "later"})
        quote = price(self.cart(line), [presale()])
        assert quote.reason("d11-presale") == Reason.INELIGIBLE

    def test_one_cart_pays_one_phase(self) -> None:
        params = terms()
        lines = (
            presale_line(params, 1, Phase.DEPOSIT),
            presale_line(params, 1, Phase.FINAL, order_id="o-1"),
        )
        quote = price(self.cart(*lines), [presale()])
        assert quote.reason("d11-presale") == Reason.INELIGIBLE

    def test_an_ordinary_line_of_the_sku_is_not_a_presale(self) -> None:
        quote = price(self.cart(LineItem("lipstick-set", cny("999"))), [presale()])
        assert quote.reason("d11-presale") == Reason.NOT_REFERENCED

    def test_a_final_phase_needs_an_order_id_to_build(self) -> None:
        with pytest.raises(ValueError, match="order"):
            presale_line(terms(), 1, Phase.FINAL)

    def test_the_final_window_is_checked_by_the_mechanic_too(self) -> None:
        line = presale_line(terms(), 1, Phase.FINAL, order_id="o-1")
        early = Cart("CNY", (line,), Customer("amy"), IN_DEPOSIT)
        assert price(early, [presale()]).reason("d11-presale") == Reason.NOT_STARTED
        late = Cart("CNY", (line,), Customer("amy"), FINAL_CLOSES + timedelta(seconds=1))
        assert price(late, [presale()]).reason("d11-presale") == Reason.ENDED
