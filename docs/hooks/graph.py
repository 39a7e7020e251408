"""The computational graph of the 784-10-10 network, drawn at build time from the package.

A page asks for the figure with an HTML comment on a line of its own::

    <!-- graph:backprop -->

and gets an inline SVG (inline so its colours follow the light and dark palettes): the values
of the forward pass in boxes, a grey arrow for every forward edge labelled with the shape of
the array it carries, and an orange arrow for every backward edge labelled with its local
derivative: what the gradient arriving along it is multiplied by. Two drawings of the same
graph are emitted, one wide (desktop) and one tall (phone); the stylesheet shows one of them.

Every shape in the figure comes from running the package: `init_params` with its defaults
(the 784-10-10 network), `forward`, `output_error`, `hidden_error` and `backward` on a batch
whose size no layer has, which is then written as ``m``. Any other page can print a shape
from the same source with ``<!-- shape:W1 -->`` (the Home page's network picture does).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from mnist_scratch.gradients import hidden_error, output_error
from mnist_scratch.loss import one_hot
from mnist_scratch.network import backward, forward, init_params

GRAPH_MARK = re.compile(r"(?:<p>)?<!-- graph:(\w+) -->(?:</p>)?")
SHAPE_MARK = re.compile(r"<!-- shape:(\w+) -->")


# ---------------------------------------------------------------------------------------------
# The facts: shapes, from the package.


@cache
def network_shapes() -> dict[str, str]:
    """The shape of every array of one training step, as the figure prints it: ``(10, m)``.

    Keys are the code's names: ``X, Y, W1, b1, W2, b2, Z1, A1, Z2, A2, delta2, delta1, dW1,
    db1, dW2, db2``.
    """
    params = init_params(dtype=np.float64)  # the package's default network, 784-10-10
    batch = 1 + max(max(p.shape) for p in params.values())  # a size no layer has: it reads "m"
    X = np.zeros((params["W1"].shape[1], batch))
    cache_ = forward(params, X)
    Y = one_hot(np.zeros(batch, dtype=int), params["W2"].shape[0], dtype=np.float64)
    delta2 = output_error(cache_["A2"], Y)
    delta1 = hidden_error(params["W2"], delta2, cache_["Z1"])
    grads = backward(params, X, Y, cache_)
    arrays = {"X": X, "Y": Y, **params, **cache_, "delta2": delta2, "delta1": delta1, **grads}
    for name, p in params.items():
        if grads["d" + name].shape != p.shape:
            raise PluginError(f"graph: d{name} is {grads['d' + name].shape}, {name} is {p.shape}")

    def show(shape: tuple[int, ...]) -> str:
        return "(" + ", ".join("m" if n == batch else str(n) for n in shape) + ")"

    return {name: show(a.shape) for name, a in arrays.items()}


# ---------------------------------------------------------------------------------------------
# The graph: nodes, and edges with their labels. Labels use a small markup: x_1 or x_{ab}
# is a subscript, x^T or x^{ab} a superscript.


@dataclass(frozen=True)
class Node:
    name: str  # the code's name, the key into network_shapes()
    label: str  # the symbol in the box
    gradient: str  # the gradient of mL with respect to it, written beside the box ("" if none)
    kind: str  # "value" on the main chain, or "param" / "target" feeding into one


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    op: str  # the forward operation, for edges along the main chain ("" otherwise)
    local: str  # the local derivative on the backward edge ("" when no gradient flows back)


NODES = [
    Node("X", "X", "", "value"),
    Node("Z1", "Z_1", "δ_1", "value"),
    Node("A1", "A_1", "W_2^⊤δ_2", "value"),
    Node("Z2", "Z_2", "δ_2", "value"),
    Node("A2", "A_2", "−Y ⊘ A_2", "value"),
    Node("L", "L", "", "value"),
    Node("W1", "W_1", "dW_1", "param"),
    Node("b1", "b_1", "db_1", "param"),
    Node("W2", "W_2", "dW_2", "param"),
    Node("b2", "b_2", "db_2", "param"),
    Node("Y", "Y", "", "target"),
]
EDGES = [
    Edge("X", "Z1", "affine", ""),
    Edge("W1", "Z1", "", "· X^⊤/m"),
    Edge("b1", "Z1", "", "· 1_m/m"),
    Edge("Z1", "A1", "ReLU", "⊙ H(Z_1)"),
    Edge("A1", "Z2", "affine", "W_2^⊤ ·"),
    Edge("W2", "Z2", "", "· A_1^⊤/m"),
    Edge("b2", "Z2", "", "· 1_m/m"),
    Edge("Z2", "A2", "softmax", "J^⊤ ·"),
    Edge("A2", "L", "cross-entropy", "−Y ⊘ A_2"),
    Edge("Y", "L", "", ""),
]
# Where each parameter or target attaches: (the node it feeds, which side of it).
ATTACH = {"W1": ("Z1", -1), "b1": ("Z1", 1), "W2": ("Z2", -1), "b2": ("Z2", 1), "Y": ("L", 0)}


# ---------------------------------------------------------------------------------------------
# Drawing.

TEXT = 15  # label font size, in the drawing's units
SMALL = 13.5  # shapes, local derivatives, gradients
MARKUP = re.compile(r"([_^])(\{[^}]*\}|.)")


def _runs(label: str) -> list[tuple[str, str]]:
    """``"W_2^⊤δ_2"`` -> ``[("", "W"), ("sub", "2"), ("sup", "⊤"), ("", "δ"), ("sub", "2")]``."""
    runs, pos = [], 0
    for m in MARKUP.finditer(label):
        if m.start() > pos:
            runs.append(("", label[pos : m.start()]))
        runs.append(("sub" if m.group(1) == "_" else "sup", m.group(2).strip("{}")))
        pos = m.end()
    if pos < len(label):
        runs.append(("", label[pos:]))
    return runs


def text(x: float, y: float, label: str, cls: str, size: float, anchor: str = "middle") -> str:
    """An SVG ``<text>`` with real subscripts and superscripts (tspans shifted by ``dy``)."""
    offset = {"": 0.0, "sub": 0.3 * size, "sup": -0.4 * size}
    parts, shift = [], 0.0
    for kind, chunk in _runs(label):
        attrs = ""
        if (dy := offset[kind] - shift) != 0:
            attrs += f' dy="{dy:.1f}"'
        shift = offset[kind]
        if kind:
            attrs += f' font-size="{0.72 * size:.1f}"'
        parts.append(f"<tspan{attrs}>{html.escape(chunk)}</tspan>")
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" font-size="{size}" '
        f'text-anchor="{anchor}">{"".join(parts)}</text>'
    )


@dataclass(frozen=True)
class Layout:
    """Where things go in one drawing. ``main`` places the chain; the rest are rules."""

    key: str  # "wide" or "tall"
    width: int
    height: int
    main: dict[str, tuple[float, float]]
    box: tuple[float, float] = (48, 32)  # width, height of a node's box
    pbox: tuple[float, float] = (40, 28)  # ... of a parameter's
    pair: float = 4.5  # half the gap between an edge's forward and backward arrows

    @property
    def horizontal(self) -> bool:
        return self.key == "wide"

    def param_position(self, name: str) -> tuple[float, float]:
        target, side = ATTACH[name]
        x, y = self.main[target]
        if self.horizontal:
            return x + 30 * side, 56
        return self.width - 42, y + 25 * side

    def param_end(self, name: str) -> tuple[tuple[float, float], tuple[float, float]]:
        """Start (on the parameter's box) and end (on its node's box) of its edges."""
        target, side = ATTACH[name]
        (px, py), (x, y) = self.param_position(name), self.main[target]
        if self.horizontal:
            return (px, py + self.pbox[1] / 2 + 3), (x + 13 * side, y - self.box[1] / 2 - 3)
        return (px - self.pbox[0] / 2 - 3, py), (x + self.box[0] / 2 + 3, y + 10 * side)


WIDE = Layout(
    "wide",
    724,
    318,
    {"X": (34, 250), "Z1": (178, 250), "A1": (314, 250), "Z2": (454, 250), "A2": (590, 250),
     "L": (694, 250)},
)
TALL = Layout(
    "tall",
    360,
    806,
    {"X": (136, 36), "Z1": (136, 200), "A1": (136, 348), "Z2": (136, 508), "A2": (136, 656),
     "L": (136, 776)},
)


Point = tuple[float, float]


def _arrow(a: Point, b: Point, shift: float, cls: str, marker: str) -> str:
    """A straight arrow from a to b, moved sideways by ``shift`` (to the left of its direction)."""
    (ax, ay), (bx, by) = a, b
    length = float(np.hypot(bx - ax, by - ay))
    nx, ny = -(by - ay) / length * shift, (bx - ax) / length * shift
    return (
        f'<line x1="{ax + nx:.1f}" y1="{ay + ny:.1f}" x2="{bx + nx:.1f}" y2="{by + ny:.1f}" '
        f'class="{cls}" marker-end="url(#{marker})"/>'
    )


def _box(x: float, y: float, size: tuple[float, float], cls: str) -> str:
    w, h = size
    return (
        f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w}" height="{h}" rx="5" '
        f'class="{cls}"/>'
    )


def draw(layout: Layout) -> str:
    """One drawing of the graph as an ``<svg>`` element."""
    shapes = network_shapes()
    nodes = {n.name: n for n in NODES}
    fwd, back = f"g-{layout.key}-fwd", f"g-{layout.key}-back"
    L = layout
    out = [
        f'<svg class="graph-{L.key}" viewBox="0 0 {L.width} {L.height}" role="img" '
        f'aria-labelledby="g-{L.key}-title g-{L.key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="g-{L.key}-title">The computational graph of one training step</title>',
        f'<desc id="g-{L.key}-desc">Forward: X {shapes["X"]} and W1 {shapes["W1"]}, b1 '
        f'{shapes["b1"]} make Z1 {shapes["Z1"]}; ReLU makes A1; with W2 {shapes["W2"]} and b2 '
        f'{shapes["b2"]} it makes Z2; softmax makes A2; with the targets Y, cross-entropy makes '
        "the loss L. Backward, each arrow multiplies the gradient by its local derivative: "
        "A2 minus Y arrives at Z2 as delta2; W2 transposed sends it to A1; the ReLU mask H(Z1) "
        "makes delta1; delta times the layer's input transposed over m gives each dW, and "
        "delta times a column of ones over m each db.</desc>",
        "<defs>",
        *(
            f'<marker id="{mid}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6.5" '
            f'markerHeight="6.5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'class="{cls}-head"/></marker>'
            for mid, cls in ((fwd, "g-fwd"), (back, "g-back"))
        ),
        "</defs>",
    ]
    # Nodes on the main chain, with their gradients beside them.
    for name, (x, y) in L.main.items():
        node = nodes[name]
        out.append(_box(x, y, L.box, "g-node"))
        out.append(text(x, y + 5, node.label, "g-label", TEXT + 1))
        if node.gradient:
            if L.horizontal:
                out.append(text(x, y + 58, node.gradient, "g-grad", SMALL))
            else:
                gx = x - L.box[0] / 2 - 10
                out.append(text(gx, y + 5, node.gradient, "g-grad", SMALL, "end"))
    # Parameters and targets, with their gradients above (or beside) their boxes.
    for name in ATTACH:
        node = nodes[name]
        px, py = L.param_position(name)
        out.append(_box(px, py, L.pbox, f"g-{node.kind}"))
        out.append(text(px, py + 5, node.label, "g-label", TEXT))
        if node.gradient:
            side = ATTACH[name][1]
            gy = py - L.pbox[1] / 2 - 8 if (L.horizontal or side < 0) else py + L.pbox[1] / 2 + 17
            out.append(text(px, gy, node.gradient, "g-grad", SMALL))
    # Edges: the forward arrow, its backward twin, and their labels.
    for edge in EDGES:
        shape = shapes[edge.src]
        if edge.src in ATTACH:
            a, b = L.param_end(edge.src)
            side = ATTACH[edge.src][1]
            mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            if L.horizontal:
                # Beside the upper half of the arrow, near the parameter it belongs to.
                anchor = "start" if side > 0 else "end"
                lx = a[0] + 10 * (side or -1)
                ly = a[1] + 34
                labels = [(lx, ly, shape, "g-shape"), (lx, ly + 18, edge.local, "g-local")]
            else:
                anchor = "middle"
                if side > 0:
                    labels = [(mx, my + 22, shape, "g-shape"), (mx, my + 39, edge.local, "g-local")]
                else:
                    labels = [(mx, my - 28, shape, "g-shape"), (mx, my - 11, edge.local, "g-local")]
        else:
            a, b = L.main[edge.src], L.main[edge.dst]
            mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            if L.horizontal:
                gap = L.box[0] / 2 + 3
                a, b = (a[0] + gap, a[1]), (b[0] - gap, b[1])
                anchor = "middle"
                labels = [(mx, my - 32, edge.op, "g-op"), (mx, my - 14, shape, "g-shape"),
                          (mx, my + 26, edge.local, "g-local")]
            else:
                gap = L.box[1] / 2 + 3
                a, b = (a[0], a[1] + gap), (b[0], b[1] - gap)
                anchor = "end"
                labels = [(mx - 16, my - 3, edge.op, "g-op"), (mx - 16, my + 14, shape, "g-shape")]
                if edge.local:
                    out.append(text(mx + 16, my + 5, edge.local, "g-local", SMALL, "start"))
        both = bool(edge.local)
        out.append(_arrow(a, b, L.pair if both else 0, "g-fwd", fwd))
        if both:
            out.append(_arrow(b, a, L.pair, "g-back", back))
        for lx, ly, label, cls in labels:
            if label:
                out.append(text(lx, ly, label, cls, TEXT if cls == "g-op" else SMALL, anchor))
    out.append("</svg>")
    return "\n".join(out)


def _math(tex: str) -> str:
    """Inline math as pymdownx.arithmatex writes it, so the site's MathJax typesets it."""
    return f'<span class="arithmatex">\\({html.escape(tex)}\\)</span>'


def figure(kind: str) -> str:
    if kind != "backprop":
        raise PluginError(f"graph: no figure called {kind!r} (there is 'backprop')")
    return (
        '<figure class="backprop-graph">\n'
        + draw(WIDE)
        + "\n"
        + draw(TALL)
        + "\n<figcaption>One training step of the 784-10-10 network. "
        '<span class="g-key-fwd">Grey arrows</span> run forward and carry an array of the shape '
        'written on them; <span class="g-key-back">orange arrows</span> run backward and say what '
        "the gradient arriving along them is multiplied by (a dot marks where it goes). Beside "
        "each box, in orange, the gradient of the summed loss "
        + _math("mL")
        + " with respect to it; the parameters' gradients divide by "
        + _math("m")
        + ". "
        + _math("H")
        + " is the step function, "
        + _math("J")
        + " the softmax Jacobian (one per column), "
        + _math(r"\oslash")
        + " entry-wise division.</figcaption>\n</figure>"
    )


def on_page_content(html_: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    html_ = GRAPH_MARK.sub(lambda m: figure(m.group(1)), html_)

    def shape(m: re.Match) -> str:
        if m.group(1) not in network_shapes():
            raise PluginError(f"{page.file.src_uri}: no array called {m.group(1)!r} for a shape")
        return network_shapes()[m.group(1)]

    return SHAPE_MARK.sub(shape, html_)
