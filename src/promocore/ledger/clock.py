"""The ledger's clocks: [`promocore.backends.clock`][promocore.backends.clock], re-exported.

Kept so that ``from promocore.ledger.clock import ManualClock`` goes on working.
"""

from promocore.backends.clock import (
    Clock,
    ManualClock,
    from_micros,
    system_clock,
    to_micros,
    ttl_micros,
)

__all__ = ["Clock", "ManualClock", "from_micros", "system_clock", "to_micros", "ttl_micros"]
