"""One palette for every chart: a distinct colour per policy or series, never two alike.

Colours follow the Dutch central government's house style where it has them and are chosen to
stay apart for the common forms of colour blindness (after Okabe and Ito).
"""

from __future__ import annotations

PALETTE: tuple[str, ...] = (
    "#154273",  # dark blue (Rijkshuisstijl)
    "#e17000",  # orange
    "#39870c",  # green
    "#d52b1e",  # red
    "#8b4a9c",  # violet
    "#007bc7",  # sky blue
    "#a90061",  # magenta
    "#777c00",  # moss green
    "#673327",  # brown
    "#42145f",  # purple
)
OBSERVED = "#1b1b1b"
"""The colour of observed values (black, so they never look like a policy)."""


def colours(count: int) -> list[str]:
    """``count`` distinct colours; ValueError when more are asked than the palette holds."""
    if count > len(PALETTE):
        raise ValueError(f"{count} series but the palette has {len(PALETTE)} distinct colours")
    return list(PALETTE[:count])


def rgba(hex_colour: str, alpha: float) -> str:
    """A CSS ``rgba()`` colour from ``#rrggbb`` and an opacity in 0-1."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
