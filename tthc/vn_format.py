"""Numbers as the province's documents print them."""

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, places: int) -> float:
    """Round as the documents do: 0,625 -> 0,63 (Python's round() gives 0,62).

    Goes through the float's shortest decimal form, so 0.625 is five thousandths
    exactly and not the nearest binary fraction below it.
    """
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def number(value: int) -> str:
    """290170 -> '290.170' (a dot between thousands)."""
    return f"{value:,}".replace(",", ".")


def percent(value: float | None, decimals: int = 1) -> str:
    """0.2162 -> '21,6%': half-up to ``decimals``, with a decimal comma, as the documents print it."""
    if value is None:
        return "—"
    return f"{round_half_up(value, decimals + 2) * 100:.{decimals}f}".replace(".", ",") + "%"


def period_caption(label: str, as_of_day, is_partial: bool, spans_reorganisation: bool = False) -> str:
    """'Tháng 3/2022 (chưa đủ kỳ; số liệu đến ngày 14/03/2022)': the period and the day its
    figures are as of, as every report, the dashboard and `tthc report` print it. A period
    the 2025 reform falls in says that it is reported by the units of that day."""
    units = f"; theo đơn vị hành chính tại ngày {as_of_day:%d/%m/%Y}" if spans_reorganisation else ""
    return f"{label} ({'chưa đủ kỳ; ' if is_partial else ''}số liệu đến ngày {as_of_day:%d/%m/%Y}{units})"
