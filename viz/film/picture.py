"""A film's whole picture: the network (``viz.film.network``) and, beside it, the panels
(``viz.film.panels``); each frame a set of changes to both."""

from __future__ import annotations

from dataclasses import dataclass

from autograd.recorder import Recorder
from viz.film.network import NetworkPicture, draw_network
from viz.film.panels import PanelsPicture, draw_panels
from viz.film.reel import FRAMES, Reel, build_reel
from viz.film.scene import Changes

__all__ = ["Picture", "draw_film"]


@dataclass
class Picture:
    reel: Reel
    network: NetworkPicture
    panels: PanelsPicture

    def changes(self, f: int) -> tuple[Changes, Changes]:
        """Frame ``f``'s changes to the network's scene and to the panels'."""
        if not 0 <= f < self.reel.frames:
            raise IndexError(f"frame {f} of a film of {self.reel.frames} frames")
        return self.network.changes(self.reel, f), self.panels.changes(self.reel, f)


def draw_film(rec: Recorder | Reel, *, frames: int = FRAMES) -> Picture:
    """The picture of ``rec``'s film (a Recorder, or the numbers ``build_reel`` made)."""
    reel = rec if isinstance(rec, Reel) else build_reel(rec, frames=frames)
    panels = draw_panels(reel)
    return Picture(reel, draw_network(reel, max(800.0, panels.scene.height)), panels)
