"""Numbers as the province's documents print them."""


def number(value: int) -> str:
    """290170 -> '290.170' (a dot between thousands)."""
    return f"{value:,}".replace(",", ".")


def percent(value: float | None) -> str:
    """0.2162 -> '21,6%': half-up to one decimal, with a decimal comma, as the documents print it."""
    if value is None:
        return "—"
    tenths = int(value * 1000 + 0.5)
    return f"{tenths // 10},{tenths % 10}%"
