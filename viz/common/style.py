"""What every view draws alike: the font, and the mark of a stepper's current node."""

from __future__ import annotations

from autograd.fonts import KOREAN_FONTS

__all__ = ["FONT", "HIGHLIGHT"]

# Graphviz's fontname: a list of families, which pango (drawing PNG and PDF) reads as its
# fallbacks and an SVG keeps as its font-family. Latin text in Helvetica (or fontconfig's
# stand-in, Liberation Sans), the symbols it lacks (━) in DejaVu Sans, as fontconfig's
# sans-serif drew them before, and Hangul in the first Korean font installed.
FONT = ",".join(("Helvetica", "Arial", "DejaVu Sans", *KOREAN_FONTS, "sans-serif"))
# The current node of a step: near black, drawn thick. Neither weight colour, and read
# by its weight, not its hue, whatever colours a reader tells apart.
HIGHLIGHT = "#111827"
