"""DuckDB functions the warehouse queries use when they run on DuckDB (private).

Imported only by [`promocore.analytics.warehouse`][promocore.analytics.warehouse] when
the order table lives in DuckDB; it imports ibis. Annotations are evaluated here
(no ``from __future__ import annotations``), since ibis reads them to type the call.
"""

import ibis
import ibis.expr.datatypes as dt


@ibis.udf.scalar.builtin(name="epoch_us")  # type: ignore[untyped-decorator]
def epoch_us(at: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """Microseconds since 1970 of an instant (DuckDB's ``epoch_us``)."""
