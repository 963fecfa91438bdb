"""What every view draws alike: the font, and the mark of a stepper's current node."""

from __future__ import annotations

__all__ = ["FONT", "HIGHLIGHT"]

FONT = "Helvetica,Arial,sans-serif"
# The current node of a step: near black, drawn thick. Neither weight colour, and read
# by its weight, not its hue, whatever colours a reader tells apart.
HIGHLIGHT = "#111827"
