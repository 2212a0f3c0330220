"""Numbers as the province's documents print them."""


def number(value: int) -> str:
    """290170 -> '290.170' (a dot between thousands)."""
    return f"{value:,}".replace(",", ".")
