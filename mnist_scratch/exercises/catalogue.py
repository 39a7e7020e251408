r"""The exercises: what each asks, where it sits on the site, its hint and its worked solution.

Plain data, so that listing or showing an exercise imports neither NumPy nor sympy. Two kinds:

- `Implement`: the reader writes a function with the same name and signature as the
  package's (``target``); `mnist_scratch.exercises.implement` grades it by its properties.
  The worked solution is a file in ``mnist_scratch/exercises/solutions/`` graded like any
  answer.
- `Derive`: the reader types an expression in sympy syntax; `mnist_scratch.exercises.derive`
  compares it with ``truth`` symbolically. The worked solution is a list of steps, and every
  step's expression is graded against the truth as well.

Every exercise belongs to one derivation page (``page``, the page's source path under
``docs/``) and is shown at the end of it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parent / "solutions"


@dataclass(frozen=True)
class Implement:
    """Write a function of the package yourself.

    Attributes
    ----------
    name
        The function's name (also the exercise's name).
    page
        The derivation page the exercise ends, e.g. ``"derivations/relu.py"``.
    target
        Full name of the package's function: the signature to match.
    title
        What the exercise is about, in a few words.
    statement
        What to write, in Markdown (read in a terminal too: math only where it helps).
    hint
        The hint shown before grading (``hint NAME`` and the site's folded hint).
    """

    name: str
    page: str
    target: str
    title: str
    statement: str
    hint: str

    kind = "implement"

    @property
    def solution_path(self) -> Path:
        return SOLUTIONS / f"{self.name}.py"

    def solution(self) -> str:
        """The worked solution: a file that defines the function."""
        return self.solution_path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Name:
    """A name a Derive answer may use: what sympy object it is and what it means.

    ``kind`` is one of ``array`` (indexed with ``[...]``), ``index`` (an integer index),
    ``size`` (a positive integer), ``scalar`` (a real number), ``unit`` (a number in (0, 1)),
    ``function``.
    """

    name: str
    kind: str
    meaning: str


@dataclass(frozen=True)
class Step:
    """One line of a worked derivation: the words, then the expression they arrive at."""

    words: str
    expression: str


@dataclass(frozen=True)
class Derive:
    """Derive an expression; it is compared with ``truth`` symbolically.

    Attributes
    ----------
    name, page, title, statement, hint
        As for `Implement`; ``statement`` is followed by the list of ``names``.
    names
        The only names an answer may use.
    truth
        The answer, in sympy syntax.
    checks
        Concrete sizes and free indices at which the answer is also compared (after any
        ``meaning`` is substituted), e.g. ``{"K": 3, "k": 2}``.
    meaning
        Definitions substituted before comparing: ``"softmax"`` (a = softmax(z) over K
        classes) and ``"one-hot"`` (the K entries of y sum to 1).
    steps
        The worked solution; every step's expression equals the truth.
    quantity
        What is asked for, in LaTeX: the left-hand side of the worked solution.
    relation
        How the quantity relates to the steps: ``=``, or ``\\approx`` for a leading term.
    mistakes
        Known wrong answers (sympy syntax) and what the grader says to each.
    """

    name: str
    page: str
    title: str
    statement: str
    hint: str
    names: tuple[Name, ...]
    truth: str
    checks: tuple[dict[str, int], ...]
    steps: tuple[Step, ...]
    quantity: str
    relation: str = "="
    mistakes: tuple[tuple[str, str], ...] = ()
    meaning: tuple[str, ...] = ()

    kind = "derive"

    def solution(self) -> str:
        """The worked solution as text: each step's words and its expression."""
        return "\n\n".join(f"{s.words}\n    {s.expression}" for s in self.steps) + "\n"


Exercise = Implement | Derive


def _combos(**ranges: tuple[int, ...] | str) -> tuple[dict[str, int], ...]:
    """Every combination of sizes and indices; an index given as a size's name runs 1..size."""
    sizes = {k: v for k, v in ranges.items() if not isinstance(v, str)}
    bound = {k: v for k, v in ranges.items() if isinstance(v, str)}
    out = []
    for values in itertools.product(*sizes.values()):
        base = dict(zip(sizes, values, strict=True))
        spans = [range(1, base[size] + 1) for size in bound.values()]
        for chosen in itertools.product(*spans):
            out.append({**base, **dict(zip(bound, chosen, strict=True))})
    return tuple(out)


SUM = Name("Sum", "function", "Sum(term, (index, first, last)) sums term over an index")
EXP = Name("exp", "function", "exponential")
LOG = Name("log", "function", "natural logarithm")
DELTA = Name("KroneckerDelta", "function", "KroneckerDelta(a, b) is 1 if a = b, else 0")
H = Name("H", "function", "H(x), the Heaviside step, 1 for x > 0 and 0 for x <= 0 (ReLU')")
MAX = Name("Max", "function", "Max(a, b), the larger of the two")
S = Name("s", "index", "a spare summation index")

IMPLEMENT = (
    Implement(
        name="forward",
        page="derivations/forward.py",
        target="mnist_scratch.network.forward",
        title="The forward pass",
        statement=(
            "Write `forward(params, X)`, the forward pass over a batch of columns. `params` "
            "holds `W1` (n, d), `b1` (n, 1), `W2` (K, n) and `b2` (K, 1); `X` is (d, m), one "
            "column per example. Return a dict with `Z1`, `A1` (n, m) and `Z2`, `A2` (K, m) in "
            "the dtype of the parameters, and change neither `params` nor `X`. You may import "
            "`relu` and `softmax` from `mnist_scratch.activations`, or write your own."
        ),
        hint=(
            "Four lines, one per equation of the forward pass: an affine step, ReLU, another "
            "affine step, softmax. A bias is a column: (n, 1) broadcasts over the m columns."
        ),
    ),
    Implement(
        name="relu_prime",
        page="derivations/relu.py",
        target="mnist_scratch.activations.relu_prime",
        title="The derivative of ReLU",
        statement=(
            "Write `relu_prime(Z)`: ReLU′ entry by entry, as the numbers 0 and 1 in the dtype "
            "of `Z` (float32 in, float32 out), for an array of any shape. At exactly 0 take 0 "
            "(the package's convention, H(0) = 0). Do not change `Z`."
        ),
        hint="A comparison gives a boolean mask; the exercise wants numbers of Z's dtype.",
    ),
    Implement(
        name="softmax",
        page="derivations/softmax.py",
        target="mnist_scratch.activations.softmax",
        title="A softmax that cannot overflow",
        statement=(
            "Write `softmax(Z)`: for logits `Z` of shape (K, m), one column per example, return "
            "the probabilities, shape (K, m) in the dtype of `Z`, each column summing to 1. "
            "They must stay finite and right for logits of ±1000. Do not change `Z`."
        ),
        hint=(
            "Softmax does not change when the same number is subtracted from every logit of a "
            "column. Pick the number that keeps every exponent at most 0."
        ),
    ),
    Implement(
        name="cross_entropy",
        page="derivations/cross_entropy.py",
        target="mnist_scratch.loss.cross_entropy",
        title="The mean cross-entropy",
        statement=(
            "Write `cross_entropy(A2, Y)`: the mean loss $L = -\\frac{1}{m}\\sum_j \\sum_k "
            "Y_{kj} \\log (A_2)_{kj}$ of probabilities `A2` (K, m) against one-hot targets `Y` "
            "(K, m), as one number (a Python float). It must stay finite when a probability is "
            "exactly 0, and a 0 probability on a class that is not the target counts 0 "
            "(0 · log 0 = 0). Do not change `A2` or `Y`."
        ),
        hint=(
            "log 0 is −inf, and 0 · (−inf) is nan: keep the probabilities away from 0 before "
            "the log. The loss is a mean over the m examples, not over all K·m entries."
        ),
    ),
    Implement(
        name="output_error",
        page="derivations/output_error.py",
        target="mnist_scratch.gradients.output_error",
        title="The output error δ₂",
        statement=(
            "Write `output_error(A2, Y)`: $\\delta_2 = \\partial (mL) / \\partial Z_2$ for "
            "softmax followed by cross-entropy, from the probabilities `A2` and the one-hot "
            "targets `Y`, both (K, m). Return a new (K, m) array in the dtype of `A2`."
        ),
        hint=(
            "Do the logit-gradient exercise first: it gives one column. δ₂ is the derivative "
            "of the sum mL, one column per example."
        ),
    ),
    Implement(
        name="hidden_error",
        page="derivations/hidden_error.py",
        target="mnist_scratch.gradients.hidden_error",
        title="The hidden error δ₁",
        statement=(
            "Write `hidden_error(W2, delta2, Z1)`: $\\delta_1 = \\partial (mL) / \\partial Z_1$ "
            "from the output weights `W2` (K, n), the output error `delta2` (K, m) and the "
            "hidden pre-activations `Z1` (n, m). Return a new (n, m) array; take "
            "ReLU′(0) = 0. Do not change the inputs."
        ),
        hint=(
            "Two factors: the output error sent back through the weights that carried the "
            "signal forward, and ReLU′(Z₁) entry by entry. Write down the shapes first."
        ),
    ),
    Implement(
        name="weight_gradient",
        page="derivations/gradients.py",
        target="mnist_scratch.gradients.weight_gradient",
        title="The weight gradient",
        statement=(
            "Write `weight_gradient(delta, A_prev)`: $dW = \\partial L / \\partial W$ for a "
            "layer $Z = W A_{\\text{prev}} + b$, from its error `delta` (units, m), which is "
            "$\\partial (mL)/\\partial Z$, and its input `A_prev` (inputs, m). Return "
            "(units, inputs) in the dtype of `delta`. `A_prev` may be a transposed view."
        ),
        hint=(
            "Per example the gradient is an outer product of the example's error and its "
            "input; a matrix product sums those over the batch. L is a mean."
        ),
    ),
    Implement(
        name="bias_gradient",
        page="derivations/gradients.py",
        target="mnist_scratch.gradients.bias_gradient",
        title="The bias gradient",
        statement=(
            "Write `bias_gradient(delta)`: $db = \\partial L / \\partial b$ for the bias column "
            "b (units, 1) of a layer whose error `delta` (units, m) is "
            "$\\partial (mL)/\\partial Z$. Return (units, 1) in the dtype of `delta`."
        ),
        hint=(
            "b is added to every column, so its gradient collects every column's error. Keep "
            "the shape of b."
        ),
    ),
    Implement(
        name="backward",
        page="derivations/gradients.py",
        target="mnist_scratch.network.backward",
        title="Back-propagation, all of it",
        statement=(
            "Write `backward(params, X, Y, cache)`: the gradients `dW1`, `db1`, `dW2`, `db2` of "
            "the mean loss, each shaped like its parameter, from the parameters, the inputs `X` "
            "(d, m), the one-hot targets `Y` (K, m) and the dict `forward` returned (`Z1`, "
            "`A1`, `Z2`, `A2`). You may import the helpers of `mnist_scratch.gradients` or "
            "write everything yourself. Do not change any input."
        ),
        hint=(
            "Six lines, in order: δ₂, then dW₂ and db₂, then δ₁, then dW₁ and db₁. Each weight "
            "gradient pairs a layer's error with that layer's input."
        ),
    ),
    Implement(
        name="gd_update",
        page="derivations/update.py",
        target="mnist_scratch.optim.gd_update",
        title="One step of gradient descent",
        statement=(
            "Write `gd_update(theta, dtheta, lr, *, inplace=False)`: the step "
            "$\\theta - \\alpha\\, d\\theta$. With `inplace=False` return a new array and leave "
            "`theta` alone; with `inplace=True` write into `theta` and return `theta` itself. "
            "Keep the dtype of `theta`, even when `lr` is a NumPy float64."
        ),
        hint=(
            "np.subtract takes an out= argument. Under NumPy 2's rules a NumPy float64 scalar "
            "turns a float32 array into float64; a Python float does not."
        ),
    ),
    Implement(
        name="momentum_update",
        page="derivations/update.py",
        target="mnist_scratch.optim.momentum_update",
        title="One step with momentum",
        statement=(
            "Write `momentum_update(theta, dtheta, velocity, lr, mu=0.9, *, inplace=False)`: "
            "$v \\leftarrow \\mu v + d\\theta$, then $\\theta \\leftarrow \\theta - \\alpha v$ "
            "(the package's convention: the velocity collects raw gradients). Return "
            "`(theta, velocity)`; `inplace` works as in `gd_update`, for both arrays."
        ),
        hint="Update the velocity first, then take a gradient-descent step along it.",
    ),
    Implement(
        name="warmup_cosine_lr",
        page="derivations/update.py",
        target="mnist_scratch.optim.warmup_cosine_lr",
        title="Warm-up, then a cosine schedule",
        statement=(
            "Write `warmup_cosine_lr(step, total_steps, base_lr, warmup_steps, final_lr=0.0)`: "
            "$\\alpha_t = \\alpha_0 (t + 1)/T_w$ for $t < T_w$, then the cosine schedule from "
            "$\\alpha_0$ down to $\\alpha_{\\min}$ over the remaining $T - T_w$ steps, reaching "
            "$\\alpha_{\\min}$ at $t = T$. Return a Python float."
        ),
        hint=(
            "After the warm-up the cosine schedule starts afresh: shift the step by $T_w$ and "
            "shorten the run by $T_w$."
        ),
    ),
)

DERIVE = (
    Derive(
        name="affine-entry",
        page="derivations/forward.py",
        title="One entry of the affine step",
        statement=(
            "Write the entry $(Z_1)_{ij}$ of $Z_1 = W_1 X + b_1$ (hidden unit $i$, example $j$) "
            "as a sum over the $d$ input pixels $p$."
        ),
        hint="Row i of W₁ holds unit i's weights; column j of X is example j.",
        names=(
            Name("W1", "array", "W1[i, p], the weight from pixel p to hidden unit i"),
            Name("X", "array", "X[p, j], pixel p of example j"),
            Name("b1", "array", "b1[i], the bias of hidden unit i"),
            Name("i", "index", "the hidden unit"),
            Name("j", "index", "the example"),
            Name("p", "index", "the pixel (summation index)"),
            Name("d", "size", "the number of pixels"),
            SUM,
        ),
        truth="Sum(W1[i, p]*X[p, j], (p, 1, d)) + b1[i]",
        checks=_combos(d=(1, 3), i=(1, 2), j=(1, 2)),
        quantity=r"(Z_1)_{ij}",
        steps=(
            Step(
                "Row i of the product W₁X is row i of W₁ times column j of X, one term per "
                "pixel; the bias of unit i is added once:",
                "Sum(W1[i, p]*X[p, j], (p, 1, d)) + b1[i]",
            ),
        ),
        mistakes=(
            (
                "Sum(W1[p, i]*X[p, j], (p, 1, d)) + b1[i]",
                "W₁ is (n, d): the weight from pixel p to unit i is W1[i, p].",
            ),
            (
                "Sum(W1[i, p]*X[j, p], (p, 1, d)) + b1[i]",
                "X is (d, m), one column per example: pixel p of example j is X[p, j].",
            ),
            ("Sum(W1[i, p]*X[p, j], (p, 1, d))", "The bias is missing."),
            (
                "Sum(W1[i, p]*X[p, j] + b1[i], (p, 1, d))",
                "The bias is added once, not once per pixel: keep it outside the sum.",
            ),
        ),
    ),
    Derive(
        name="relu-chain",
        page="derivations/relu.py",
        title="Through one ReLU",
        statement=(
            "Hidden unit $i$ outputs $a_i = \\mathrm{ReLU}(z_i)$, and $g_i = \\partial \\ell / "
            "\\partial a_i$ is known. Give $\\partial \\ell / \\partial z_i$, with ReLU′ "
            "written as `H`."
        ),
        hint="The chain rule with one link: ∂ℓ/∂z = ∂ℓ/∂a · da/dz.",
        names=(
            Name("z", "array", "z[i], the pre-activation of unit i"),
            Name("g", "array", "g[i] = ∂ℓ/∂a_i, what comes back from above"),
            Name("i", "index", "the hidden unit"),
            H,
            MAX,
        ),
        truth="g[i]*H(z[i])",
        checks=({"i": 1}, {"i": 2}),
        quantity=r"\frac{\partial \ell}{\partial z_i}",
        steps=(
            Step(
                "The chain rule: ∂ℓ/∂z_i = (∂ℓ/∂a_i)(da_i/dz_i), and da_i/dz_i = ReLU′(z_i) = "
                "H(z_i), 1 where the unit is on and 0 where it is off (and at exactly 0):",
                "g[i]*H(z[i])",
            ),
        ),
        mistakes=(
            (
                "g[i]*Max(0, z[i])",
                "That multiplies by ReLU(z), the unit's output; the chain rule needs its "
                "derivative.",
            ),
            ("H(z[i])", "That is da/dz alone: multiply by what comes back from above."),
            ("g[i]", "That ignores the ReLU: a unit that is off passes nothing back."),
        ),
    ),
    Derive(
        name="softmax-jacobian-entry",
        page="derivations/softmax.py",
        title="One entry of the softmax Jacobian",
        statement=(
            "For one example with K classes, $a = \\mathrm{softmax}(z)$. Give "
            "$\\partial a_k / \\partial z_{k'}$ in terms of `a` (write $k'$ as `k2`)."
        ),
        hint=(
            "Differentiate the quotient $e^{z_k} / \\sum_s e^{z_s}$: the numerator depends on "
            "$z_{k'}$ only when $k = k'$, the denominator always."
        ),
        names=(
            Name("a", "array", "a[k], the probability of class k"),
            Name("z", "array", "z[k], the logit of class k"),
            Name("k", "index", "the class of the output"),
            Name("k2", "index", "k′, the class of the logit"),
            Name("K", "size", "the number of classes"),
            S,
            SUM,
            EXP,
            DELTA,
        ),
        truth="a[k]*(KroneckerDelta(k, k2) - a[k2])",
        checks=_combos(K=(2, 3), k="K", k2="K"),
        meaning=("softmax",),
        quantity=r"\frac{\partial a_k}{\partial z_{k'}}",
        steps=(
            Step(
                "Write $a_k = e^{z_k} / S$ with $S = \\sum_s e^{z_s}$; the quotient rule, with "
                "$\\partial e^{z_k}/\\partial z_{k'} = \\delta_{kk'} e^{z_k}$ and "
                "$\\partial S/\\partial z_{k'} = e^{z_{k'}}$:",
                "(KroneckerDelta(k, k2)*exp(z[k])*Sum(exp(z[s]), (s, 1, K))"
                " - exp(z[k])*exp(z[k2]))/Sum(exp(z[s]), (s, 1, K))**2",
            ),
            Step(
                "Split the fraction; each part is a product of softmax outputs:",
                "KroneckerDelta(k, k2)*a[k] - a[k]*a[k2]",
            ),
            Step("Factor out $a_k$:", "a[k]*(KroneckerDelta(k, k2) - a[k2])"),
        ),
        mistakes=(
            (
                "a[k]*(1 - a[k2])",
                "That is right only on the diagonal, $k = k'$: the 1 comes from differentiating "
                "the numerator, which depends on $z_{k'}$ only when $k = k'$.",
            ),
            (
                "-a[k]*a[k2]",
                "That is the off-diagonal part only: when $k = k'$ the numerator depends on "
                "$z_{k'}$ too.",
            ),
            ("a[k]*(1 - a[k])", "That is the diagonal entry, $k = k'$, only."),
        ),
    ),
    Derive(
        name="cross-entropy-derivative",
        page="derivations/cross_entropy.py",
        title="The loss against one probability",
        statement=(
            "One example's loss is $\\ell = -\\sum_{s=1}^{K} y_s \\log a_s$. Give "
            "$\\partial \\ell / \\partial a_k$, treating the probabilities $a_s$ as the "
            "variables."
        ),
        hint="Only one term of the sum contains $a_k$.",
        names=(
            Name("a", "array", "a[k], the probability of class k"),
            Name("y", "array", "y[k], the target of class k"),
            Name("k", "index", "the class"),
            Name("K", "size", "the number of classes"),
            S,
            SUM,
            LOG,
            DELTA,
        ),
        truth="-y[k]/a[k]",
        checks=_combos(K=(2, 3), k="K"),
        quantity=r"\frac{\partial \ell}{\partial a_k}",
        steps=(
            Step(
                "Differentiate term by term: $\\partial \\log a_s / \\partial a_k$ is $1/a_k$ "
                "when $s = k$ and 0 otherwise:",
                "-Sum(y[s]*KroneckerDelta(s, k)/a[s], (s, 1, K))",
            ),
            Step("Only the term $s = k$ is left:", "-y[k]/a[k]"),
        ),
        mistakes=(
            ("-1/a[k]", "The term with $a_k$ is multiplied by its target $y_k$."),
            ("y[k]/a[k]", "The sign: the loss has a minus in front of the sum."),
            (
                "a[k] - y[k]",
                "That is $\\partial \\ell / \\partial z_k$, with respect to the logit. Here the "
                "variable is the probability $a_k$ itself: no softmax is involved yet.",
            ),
            ("-log(a[k])", "That is the term itself, not its derivative."),
        ),
    ),
    Derive(
        name="logit-gradient",
        page="derivations/output_error.py",
        title="Softmax and cross-entropy together",
        statement=(
            "One example: $a = \\mathrm{softmax}(z)$ over K classes, a one-hot target $y$ "
            "($\\sum_s y_s = 1$) and $\\ell = -\\sum_s y_s \\log a_s$. Give "
            "$\\partial \\ell / \\partial z_k$ for K classes."
        ),
        hint=(
            "Chain the two previous exercises: $\\partial \\ell / \\partial z_k = \\sum_s "
            "(\\partial \\ell / \\partial a_s)(\\partial a_s / \\partial z_k)$; then use "
            "$\\sum_s y_s = 1$."
        ),
        names=(
            Name("a", "array", "a[k], the probability of class k"),
            Name("y", "array", "y[k], the one-hot target of class k"),
            Name("z", "array", "z[k], the logit of class k"),
            Name("k", "index", "the class"),
            Name("K", "size", "the number of classes"),
            S,
            SUM,
            EXP,
            LOG,
            DELTA,
        ),
        truth="a[k] - y[k]",
        checks=_combos(K=(2, 3, 4), k="K"),
        meaning=("softmax", "one-hot"),
        quantity=r"\frac{\partial \ell}{\partial z_k}",
        steps=(
            Step(
                "The chain rule through every probability, with $\\partial \\ell/\\partial a_s "
                "= -y_s/a_s$ and the Jacobian entry $\\partial a_s / \\partial z_k = "
                "a_s(\\delta_{sk} - a_k)$:",
                "Sum(-y[s]/a[s]*a[s]*(KroneckerDelta(s, k) - a[k]), (s, 1, K))",
            ),
            Step(
                "The $a_s$ cancel; the Kronecker delta keeps one term of the first part:",
                "-y[k] + a[k]*Sum(y[s], (s, 1, K))",
            ),
            Step("The targets sum to 1:", "a[k] - y[k]"),
        ),
        mistakes=(
            (
                "-y[k]/a[k]",
                "That is $\\partial \\ell / \\partial a_k$. The question asks for the logit "
                "$z_k$: chain it through the softmax Jacobian.",
            ),
            ("y[k] - a[k]", "The sign: raising the true class's logit must lower the loss."),
            (
                "a[k]*(1 - a[k]) - y[k]",
                "Every probability depends on $z_k$, not only $a_k$: sum over all classes $s$.",
            ),
        ),
    ),
    Derive(
        name="hidden-error-entry",
        page="derivations/hidden_error.py",
        title="One entry of δ₁",
        statement=(
            "Give $(\\delta_1)_{ij} = \\partial (mL) / \\partial (Z_1)_{ij}$ for hidden unit "
            "$i$ and example $j$, in terms of `W2`, `delta2` and `Z1`, with K classes and "
            "ReLU′ written as `H`."
        ),
        hint=(
            "$(Z_1)_{ij}$ reaches the loss through $(A_1)_{ij}$ and then through every class "
            "$k$ of example $j$."
        ),
        names=(
            Name("W2", "array", "W2[k, i], the weight from hidden unit i to class k"),
            Name("delta2", "array", "delta2[k, j], the output error of class k, example j"),
            Name("Z1", "array", "Z1[i, j], the pre-activation of unit i, example j"),
            Name("i", "index", "the hidden unit"),
            Name("j", "index", "the example"),
            Name("k", "index", "the class (summation index)"),
            Name("K", "size", "the number of classes"),
            SUM,
            H,
            MAX,
        ),
        truth="Sum(W2[k, i]*delta2[k, j], (k, 1, K))*H(Z1[i, j])",
        checks=_combos(K=(1, 3), i=(1, 2), j=(1, 2)),
        quantity=r"(\delta_1)_{ij}",
        steps=(
            Step(
                "$(Z_1)_{ij}$ reaches the loss only through $(A_1)_{ij}$, and "
                "$\\partial (A_1)_{ij} / \\partial (Z_1)_{ij} = H((Z_1)_{ij})$. $(A_1)_{ij}$ "
                "enters every logit of example $j$: $\\partial (Z_2)_{kj} / \\partial "
                "(A_1)_{ij} = (W_2)_{ki}$, and $\\partial (mL)/\\partial (Z_2)_{kj} = "
                "(\\delta_2)_{kj}$. Sum over the classes:",
                "H(Z1[i, j])*Sum(delta2[k, j]*W2[k, i], (k, 1, K))",
            ),
        ),
        mistakes=(
            (
                "Sum(W2[i, k]*delta2[k, j], (k, 1, K))*H(Z1[i, j])",
                "W₂ is (K, n): the weight from hidden unit i to class k is W2[k, i].",
            ),
            (
                "Sum(W2[k, i]*delta2[k, j], (k, 1, K))",
                "A unit that is off passed nothing forward, so it gets no error back: the ReLU "
                "is missing.",
            ),
            (
                "Sum(W2[k, i]*delta2[k, j], (k, 1, K))*Max(0, Z1[i, j])",
                "That multiplies by ReLU(Z₁), the unit's output; the chain rule needs its "
                "derivative.",
            ),
        ),
    ),
    Derive(
        name="weight-gradient-entry",
        page="derivations/gradients.py",
        title="One entry of dW₁",
        statement=(
            "Give $\\partial L / \\partial (W_1)_{ip}$, where L is the mean loss over the m "
            "examples, in terms of `delta1` ($\\delta_1 = \\partial (mL)/\\partial Z_1$), `X` "
            "and `m`."
        ),
        hint=(
            "$(W_1)_{ip}$ enters $(Z_1)_{ij}$ for every example $j$, multiplied by $X_{pj}$. "
            "And $\\delta_1$ is the derivative of $mL$, not of $L$."
        ),
        names=(
            Name("delta1", "array", "delta1[i, j], the hidden error of unit i, example j"),
            Name("X", "array", "X[p, j], pixel p of example j"),
            Name("i", "index", "the hidden unit"),
            Name("p", "index", "the pixel"),
            Name("j", "index", "the example (summation index)"),
            Name("m", "size", "the number of examples"),
            SUM,
        ),
        truth="Sum(delta1[i, j]*X[p, j], (j, 1, m))/m",
        checks=_combos(m=(1, 2, 3), i=(1, 2), p=(1, 2)),
        quantity=r"\frac{\partial L}{\partial (W_1)_{ip}}",
        steps=(
            Step(
                "$(W_1)_{ip}$ enters $(Z_1)_{ij}$ of every example $j$ with the factor "
                "$X_{pj}$, and $\\partial (mL) / \\partial (Z_1)_{ij} = (\\delta_1)_{ij}$; "
                "divide by $m$ for the mean:",
                "Sum(delta1[i, j]*X[p, j], (j, 1, m))/m",
            ),
        ),
        mistakes=(
            (
                "Sum(delta1[i, j]*X[p, j], (j, 1, m))",
                "Off by a factor m: δ₁ is the derivative of the sum mL, and L is the mean.",
            ),
            (
                "Sum(delta1[i, j]*X[j, p], (j, 1, m))/m",
                "X is (d, m), one column per example: pixel p of example j is X[p, j].",
            ),
            (
                "Sum(delta1[i, j]*X[p, j], (j, 1, m))/m**2",
                "One 1/m too many: δ₁ has none, the mean brings exactly one.",
            ),
        ),
    ),
    Derive(
        name="momentum-velocity",
        page="derivations/update.py",
        title="How far momentum goes",
        statement=(
            "Momentum starts from $v = 0$ and sees the same gradient $g$ at every step: "
            "$v \\leftarrow \\mu v + g$, then $\\theta \\leftarrow \\theta - \\alpha v$. Give "
            "the length $\\alpha v$ of the step after $t + 1$ updates (steps $0, \\dots, t$)."
        ),
        hint="Write out v after one, two and three updates; it is a geometric sum.",
        names=(
            Name("alpha", "scalar", "the learning rate α"),
            Name("mu", "unit", "the momentum μ, 0 < μ < 1"),
            Name("g", "scalar", "the gradient, the same at every step"),
            Name("t", "size", "the index of the last update"),
            S,
            SUM,
        ),
        truth="alpha*g*(1 - mu**(t + 1))/(1 - mu)",
        checks=({"t": 0}, {"t": 1}, {"t": 2}, {"t": 5}),
        quantity=r"\alpha v",
        steps=(
            Step(
                "After the first update $v = g$, after the second $\\mu g + g$: each update "
                "scales the old velocity by $\\mu$ and adds $g$, so after $t + 1$ updates",
                "alpha*Sum(mu**s*g, (s, 0, t))",
            ),
            Step(
                "A geometric sum. As $t \\to \\infty$ it tends to $\\alpha g / (1 - \\mu)$: "
                "momentum 0.9 makes a steady step ten times longer.",
                "alpha*g*(1 - mu**(t + 1))/(1 - mu)",
            ),
        ),
        mistakes=(
            (
                "alpha*g/(1 - mu)",
                "That is the limit as t → ∞. After t + 1 updates the geometric sum has only "
                "t + 1 terms.",
            ),
            (
                "alpha*g*(1 - mu**t)/(1 - mu)",
                "Off by one update: after the first update (t = 0) the step is α·g.",
            ),
        ),
    ),
    Derive(
        name="central-difference-error",
        page="derivations/gradient_check.py",
        title="Why central differences are accurate",
        statement=(
            "Give the leading term, as $h \\to 0$, of the error "
            "$\\frac{f(x+h) - f(x-h)}{2h} - f'(x)$, in terms of $h$ and the derivatives of "
            "$f$ at $x$."
        ),
        hint=(
            "Expand f(x + h) and f(x − h) in Taylor series up to h³; the even powers cancel "
            "in the difference."
        ),
        names=(
            Name("h", "scalar", "the step"),
            Name("f0", "scalar", "f(x)"),
            Name("f1", "scalar", "f′(x)"),
            Name("f2", "scalar", "f″(x)"),
            Name("f3", "scalar", "f‴(x)"),
        ),
        truth="h**2*f3/6",
        checks=({},),
        quantity=r"\frac{f(x+h) - f(x-h)}{2h} - f'(x)",
        relation=r"\approx",
        steps=(
            Step(
                "Taylor: $f(x \\pm h) = f \\pm h f' + \\tfrac{h^2}{2} f'' \\pm \\tfrac{h^3}{6} "
                "f''' + O(h^4)$. Put both into the difference quotient, dropping $O(h^3)$:",
                "((f0 + h*f1 + h**2*f2/2 + h**3*f3/6) - (f0 - h*f1 + h**2*f2/2 - h**3*f3/6))"
                "/(2*h) - f1",
            ),
            Step(
                "The $f$ and $f''$ terms cancel, $f'$ is exact, and what is left is the error: "
                "it shrinks like $h^2$, where a one-sided difference's shrinks like $h$.",
                "h**2*f3/6",
            ),
        ),
        mistakes=(
            (
                "h*f2/2",
                "That is the error of the one-sided difference (f(x+h) − f(x))/h; in the "
                "central one the f″ terms cancel.",
            ),
            ("h**2*f3/3", "Check the factor: each h³ term carries 1/3! = 1/6."),
        ),
    ),
)

EXERCISES: dict[str, Exercise] = {e.name: e for e in (*IMPLEMENT, *DERIVE)}


def anchor(exercise: Exercise) -> str:
    """The exercise's id on its page, e.g. ``ex-relu-prime``."""
    return "ex-" + exercise.name.replace("_", "-")


def check_command(exercise: Exercise) -> str:
    """The command that grades an answer to ``exercise``.

    Examples
    --------
    >>> check_command(EXERCISES["softmax"])
    'python -m mnist_scratch.exercises check softmax my_softmax.py'
    """
    answer = f"my_{exercise.name}.py" if exercise.kind == "implement" else "answer.txt"
    return f"python -m mnist_scratch.exercises check {exercise.name} {answer}"


def by_page() -> dict[str, list[Exercise]]:
    """The exercises of each page, in the catalogue's order."""
    pages: dict[str, list[Exercise]] = {}
    for exercise in EXERCISES.values():
        pages.setdefault(exercise.page, []).append(exercise)
    return pages
