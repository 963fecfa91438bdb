"""Collapsed scopes and rows: which values fold into one box, and which boxes line up.

``collapse="neuron"`` (or ``"layer"``, or a depth) folds the values of each such scope
into one box that lists what leaves it; a layer's neurons, and a model's inputs, are
kept side by side in index order. A step of the scene builder
(``viz.ops.builder.Builder``), which holds the graph and the options it reads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.engine import Constant, Parameter, Value
from viz.common.names import neuron_index
from viz.common.scope import collapse_key, is_penalty, levels
from viz.common.text import is_finite
from viz.errors import TooLargeError
from viz.ops.scene import GroupBox, Options

__all__ = ["Grouping"]


class Grouping:
    """The collapsed boxes and the rows of a scene: a part of ``Builder``, whose graph and
    options it reads (below) and whose ``grad``, ``known_data`` and ``cluster_of`` it calls."""

    opts: Options
    order: list[Value]
    root: Value
    home: dict[Value, str]
    users: dict[Value, list[Value]]
    names: dict[Value, str]
    penalty_share: dict[Value, Any]

    def group_values(self) -> None:
        """Which nodes fold into a collapsed box, and the DOT name of every drawn node."""
        opts, home = self.opts, self.home
        self.group_of: dict[Value, tuple[str, ...]] = {}
        self.inner_loose: set[tuple[str, ...]] = set()
        if opts.collapse is not None:
            matched, loose = False, set()
            for node in self.order:
                key = collapse_key(home[node], opts.collapse)
                matched = matched or key is not None
                if key is None and home[node]:
                    key = levels(home[node])[:1]  # outside any neuron (a loss): one box too
                    loose.add(key)
                if key is not None:
                    self.group_of[node] = key
            # A scope's loose values (an RNN step's sums and tanh) sit inside that scope's
            # cluster when it also holds neurons, beside them; a loss's box stands alone.
            keys = set(self.group_of.values())
            self.inner_loose = {key for key in loose if any(
                len(k) > len(key) and k[:len(key)] == key for k in keys)}
            if not matched:
                found = sorted({n.scope for n in self.order if n.scope})[:8]
                raise ValueError(f"collapse={opts.collapse!r} matched no scope in this graph "
                                 f"(its scopes: {found or 'none'}); modules record scopes such "
                                 f"as 'layers.0.neurons.3' when they build their Values")
        self.box_name: dict[Value, str] = {}
        self.group_names: dict[tuple[str, ...], str] = {}
        for node in self.order:
            key = self.group_of.get(node)
            if key is not None:
                if key not in self.group_names:
                    self.group_names[key] = f"g{len(self.group_names)}"
                self.box_name[node] = self.group_names[key]
            elif not self.hidden(node):
                self.box_name[node] = f"n{self.index[node]}"
        if opts.collapse is not None:
            loose = sum(1 for n in self.box_name if n not in self.group_of)
            if loose + len(self.group_names) > opts.max_nodes:
                raise TooLargeError(
                    f"draw: with collapse={opts.collapse!r} this graph still has "
                    f"{loose + len(self.group_names)} boxes to draw (max_nodes="
                    f"{opts.max_nodes}); collapse coarser (collapse='layer'), hide constant "
                    f"leaves with hide_constants=True, or raise max_nodes.")

    def rows(self) -> list[list[str]]:
        """The drawn nodes to keep in index order: each layer's neurons, each set of inputs.

        A neuron is drawn as its collapsed box, or else as the box of the value it
        hands on (its activation). Neurons of one layer sit at one depth of the
        graph, as do the inputs a scope (a model's first layer) reads first, so a
        row never pulls a node out of its place; inputs read outside any scope
        get none, and neither does a layer whose neurons run more than once (a
        graph built sample by sample).
        """
        box_name = self.box_name
        outputs: dict[str, list[str]] = {}  # neuron scope -> what it is drawn as
        inside: dict[str, set[Value]] = {}
        for node in self.order:
            if node.inputs and neuron_index(node.scope) is not None:
                inside.setdefault(node.scope, set()).add(node)
        for node in self.order:
            scope = node.scope
            if scope in inside and node in inside[scope] and node in box_name and not any(
                    u in inside[scope] for u in self.users.get(node, ())):
                outputs.setdefault(scope, []).append(box_name[node])
        layers: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for scope, drawn in outputs.items():
            if len(set(drawn)) == 1:
                layers.setdefault(levels(scope)[:-1], []).append((neuron_index(scope), drawn[0]))
            else:
                layers.setdefault(levels(scope)[:-1], []).append((-1, ""))  # runs twice
        rows = []
        for members in layers.values():
            members.sort()
            names = list(dict.fromkeys(name for _, name in members))
            if members[0][0] >= 0 and len(names) > 1:
                rows.append(names)
        inputs: dict[tuple[str, ...], list[str]] = {}
        for node in self.order:
            if node.inputs or node is self.root or isinstance(node, (Parameter, Constant)) \
                    or node not in box_name or node in self.group_of:
                continue
            first = self.users[node][0].scope  # the inputs of a model's first layer
            if first:
                inputs.setdefault(levels(first)[:1], []).append(box_name[node])
        rows.extend(names for names in inputs.values() if len(names) > 1)
        return rows

    def group_boxes(self) -> list[GroupBox]:
        if not self.group_names:
            return []
        group_of, how = self.group_of, self.how
        members: dict[tuple[str, ...], list[Value]] = {key: [] for key in self.group_names}
        leaving: dict[tuple[str, ...], dict[Value, None]] = {k: {} for k in self.group_names}
        for node in self.order:
            key = group_of.get(node)
            if key is not None and node.__class__ is not Constant:
                members[key].append(node)
            for inp in node.inputs:
                inner = group_of.get(inp)
                if inner is not None and inner != key:
                    leaving[inner][inp] = None
        if self.root in group_of:
            leaving[group_of[self.root]][self.root] = None
        groups = []
        for key, name in self.group_names.items():
            # What leaves a neuron is its activation; its weights leave too (to a
            # penalty), but they are counted, not listed.
            out = [n for n in leaving[key] if not isinstance(n, Parameter)] or list(leaving[key])
            outputs, bad = [], False
            for node in out[:3]:
                g = self.grad(node)
                outputs.append((self.names[node],
                                how.text(node.data) if self.known_data(node) else None,
                                how.text(g) if g is not None else None))
                bad = bad or not is_finite(node.data) or (g is not None and not is_finite(g))
            params = [m for m in members[key] if isinstance(m, Parameter)]
            groups.append(GroupBox(
                name, key[-1], len(members[key]), len(params), outputs, out[:3],
                more_outputs=max(0, len(out) - 3), penalty=is_penalty(".".join(key)), bad=bad,
                penalty_percent=self.penalty_percent(params),
                cluster=self.cluster_of(key if key in self.inner_loose else key[:-1])))
        return groups

    def penalty_percent(self, params: list[Value]) -> float | None:
        """The penalty's share of the parameters' gradient magnitude, in percent.

        sum |penalty part| / (sum |penalty part| + sum |rest|), so the two parts
        are compared even where they point in opposite directions.
        """
        shares = [(self.penalty_share[p], self.grad(p)) for p in params
                  if p in self.penalty_share and self.grad(p) is not None]
        if not shares:
            return None
        pen = sum(abs(float(np.sum(s))) for s, _ in shares)
        rest = sum(abs(float(np.sum(g - s))) for s, g in shares)
        return 100.0 * pen / (pen + rest) if pen + rest > 0 else 0.0
