"""What the render tests share (a helper module, not a test file)."""

from __future__ import annotations


def hub_and_chain(n: int) -> str:
    """One node feeding each link of a chain of ``n``: the shape of a Python ``sum`` over
    samples that all leave one collapsed box. The edge into link i spans i ranks."""
    lines = ["digraph slow {"]
    lines += [f"c{i} -> c{i + 1}" for i in range(n - 1)]
    lines += [f"hub -> c{i}" for i in range(n)]
    return "\n".join(lines + ["}"])
