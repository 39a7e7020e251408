r"""Classic back-propagation bugs, each a one-line change to a real function of the package.

A bug is a `ClassicBug`: the `Change` that makes it (`mnist_scratch.exercises.changes`, which
applies it in memory and never touches the package on disk), what the mistake is and why it is
wrong. Each bug is also a wrong answer to one exercise (`ClassicBug.exercise`); the grader
recognises it and answers with `ClassicBug.hint`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mnist_scratch.exercises.changes import Change


@dataclass(frozen=True)
class ClassicBug:
    """One classic mistake, the exercise it answers wrongly, and what the grader says to it.

    Attributes
    ----------
    name
        Short id, used in tests and page anchors.
    title
        What the mistake is, in a few words.
    change
        The one-line change that makes it.
    exercise
        The implement exercise this changed function is a (wrong) answer to.
    hint
        What the grader tells a reader whose answer makes this mistake. It may name fields of
        the failing case: ``{got_shape}``, ``{want_shape}``, ``{m}``, ``{ratio}``.
    explanation
        Why it is wrong (or, for a convention, why it is not), in Markdown.
    convention
        True when the "bug" is a choice between two valid conventions.
    """

    name: str
    title: str
    change: Change
    exercise: str
    hint: str
    explanation: str
    convention: bool = False


BUGS: tuple[ClassicBug, ...] = (
    ClassicBug(
        name="missing-mean",
        title="The missing 1/m",
        change=Change("mnist_scratch.gradients.weight_gradient", "dW *= 1 / delta.shape[1]", None),
        exercise="weight_gradient",
        hint=(
            "Off by a factor m = {m}: your dW is the gradient of the sum of the m losses, m times "
            "the gradient of their mean L. Where does the 1/m belong?"
        ),
        explanation=(
            "Here $\\delta = \\partial (mL)/\\partial Z$ is the derivative of the *sum* of the "
            "losses, so $dW = \\partial L/\\partial W$ needs the $1/m$ once. Without it every step "
            "is $m$ times too long: the step size now depends on the batch size."
        ),
    ),
    ClassicBug(
        name="extra-mean",
        title="An extra 1/m (in δ₂ and again in dW)",
        change=Change(
            "mnist_scratch.gradients.output_error", "return A2 - Y", "return (A2 - Y) / A2.shape[1]"
        ),
        exercise="output_error",
        hint=(
            "Your δ₂ is {ratio} times the right one, 1/m with m = {m}. δ₂ = ∂(mL)/∂Z₂ is the "
            "derivative of the sum over the batch: the 1/m of the mean comes in once, later, "
            "in dW and db. With one here as well, every gradient carries 1/m²."
        ),
        explanation=(
            "Dividing by $m$ in $\\delta_2$ *and* in $dW$, $db$ gives gradients $m$ times too "
            "small. Nothing crashes and the loss still falls, only slowly: it looks like a "
            "learning rate $m$ times too small."
        ),
    ),
    ClassicBug(
        name="transposed-weight-gradient",
        title="A transposed weight gradient",
        change=Change(
            "mnist_scratch.gradients.weight_gradient",
            "dW = delta @ A_prev.T",
            "dW = A_prev @ delta.T",
        ),
        exercise="weight_gradient",
        hint=(
            "Your dW is {got_shape}; the weights are {want_shape}: a transpose? dW has the "
            "shape of W, one row per unit of the layer and one column per input."
        ),
        explanation=(
            "$A_{\\text{prev}}\\,\\delta^\\top$ is $(dW)^\\top$. For $W_1$, $(784, 10)$ against "
            "$(10, 784)$, the update fails at once; for the square $W_2$ it runs, silently "
            "wrong."
        ),
    ),
    ClassicBug(
        name="untransposed-w2",
        title="W₂ instead of W₂ᵀ in the hidden error",
        change=Change(
            "mnist_scratch.gradients.hidden_error", "delta1 = W2.T @ delta2", "delta1 = W2 @ delta2"
        ),
        exercise="hidden_error",
        hint=(
            "W₂ is (K, n): it takes the n hidden units to the K classes. Sending the error back "
            "from the classes to the hidden units goes the other way. At the real 784-10-10 size "
            "W₂ is square, so the wrong product runs and is silently wrong."
        ),
        explanation=(
            "The error flows back along the same weights, the other way: "
            "$(\\delta_1)_{ij} = \\sum_k (W_2)_{ki} (\\delta_2)_{kj}$, a sum down column $i$ of "
            "$W_2$. With $K \\ne n$ the product fails; with the network's square $10 \\times 10$ "
            "$W_2$ it runs."
        ),
    ),
    ClassicBug(
        name="wrong-axis",
        title="A sum over the wrong axis (softmax over the batch)",
        change=Change(
            "mnist_scratch.activations.softmax",
            "A /= A.sum(axis=0, keepdims=True)",
            "A /= A.sum(axis=1, keepdims=True)",
        ),
        exercise="softmax",
        hint=(
            "Your probabilities do not sum to 1 down each column. Columns are examples: each "
            "example's K probabilities must sum to 1. Which axis holds the classes?"
        ),
        explanation=(
            "Columns are examples. Summing along the rows normalises each class over the batch: "
            "an example's probabilities no longer sum to 1, and $A_2 - Y$ is no longer the "
            "gradient of the loss."
        ),
    ),
    ClassicBug(
        name="keepdims-dropped",
        title="keepdims dropped: broadcasting silently changes a shape",
        change=Change(
            "mnist_scratch.gradients.bias_gradient",
            "return delta.sum(axis=1, keepdims=True) / delta.shape[1]",
            "return delta.sum(axis=1) / delta.shape[1]",
        ),
        exercise="bias_gradient",
        hint=(
            "Your db has shape {got_shape}; the bias is {want_shape}. A 1-D db broadcasts against "
            "the (n, 1) column b into an (n, n) matrix in b − α·db. Keep the summed axis."
        ),
        explanation=(
            "`sum(axis=1)` returns shape $(n,)$. NumPy broadcasts $(n, 1)$ against $(n,)$ to "
            "$(n, n)$, so `b - lr * db` quietly becomes a matrix; an in-place update refuses "
            "to write it back."
        ),
    ),
    ClassicBug(
        name="no-max-shift",
        title="Softmax without the max shift (overflow)",
        change=Change(
            "mnist_scratch.activations.softmax",
            "A = Z - Z.max(axis=0, keepdims=True)",
            "A = Z.copy()",
        ),
        exercise="softmax",
        hint=(
            "With a logit of 1000, exp overflows to inf and inf/inf is nan. Softmax does not "
            "change when the same number is subtracted from every logit of a column: which "
            "number keeps every exponent at most 0?"
        ),
        explanation=(
            "$e^{1000}$ overflows ($e^{89}$ already does in float32). Softmax is shift invariant "
            "([derivation][eq-softmax-shift]), so subtracting each column's maximum changes "
            "nothing mathematically and keeps every exponent $\\le 0$."
        ),
    ),
    ClassicBug(
        name="relu-prime-at-zero",
        title="ReLU′ at exactly 0 (a convention, not a bug)",
        change=Change(
            "mnist_scratch.activations.relu_prime",
            "return (Z > 0).astype(Z.dtype)",
            "return (Z >= 0).astype(Z.dtype)",
        ),
        exercise="relu_prime",
        hint=(
            "At exactly z = 0 your ReLU′ is 1. ReLU has no derivative there, and any value in "
            "[0, 1] is a valid choice (a subgradient); this package, its tests and this exercise "
            "take H(0) = 0: a unit that is exactly 0 passes no gradient."
        ),
        explanation=(
            "ReLU has no derivative at 0: the slope is 0 on the left and 1 on the right, and "
            "every value in $[0, 1]$ is a subgradient. Either choice is correct; the package "
            "takes $H(0) = 0$ and its tests hold it to that."
        ),
        convention=True,
    ),
    ClassicBug(
        name="momentum-sign",
        title="The momentum sign",
        change=Change(
            "mnist_scratch.optim.momentum_update",
            "return gd_update(theta, velocity, lr, inplace=inplace), velocity",
            "return gd_update(theta, -velocity, lr, inplace=inplace), velocity",
        ),
        exercise="momentum_update",
        hint=(
            "Your step goes uphill: starting from v = 0 with a positive gradient, the first "
            "step must lower θ, and yours raises it. The velocity collects gradients; which way "
            "does descent move?"
        ),
        explanation=(
            "$\\theta \\leftarrow \\theta + \\alpha v$ climbs the loss. The gradients are right, "
            "so no gradient check can see it; only the loss going up does."
        ),
    ),
    ClassicBug(
        name="learning-rate-kills-relus",
        title="A learning rate large enough to kill every ReLU",
        change=Change(
            "mnist_scratch.optim.gd_update", "step = float(lr) * dtheta", "step = 5.0 * dtheta"
        ),
        exercise="gd_update",
        hint=(
            "Your step is {ratio} times α·dθ with α = {lr}: it does not follow the learning rate "
            "it is given. A rate that large pushes every hidden unit below 0 on every image in "
            "a few steps, and a unit that never fires never gets a gradient again."
        ),
        explanation=(
            "A rate typed into the update (5.0) instead of the `lr` argument. The first large "
            "steps push each hidden unit's pre-activation below 0 for every image; a unit that "
            "is 0 everywhere gets no gradient ($\\mathrm{ReLU}' = 0$), so it never comes back. "
            "Nothing overflows, so no NaN warns you: the loss stays finite while the network, "
            "every unit dead, predicts from $b_2$ alone. The package's trainer watches for "
            "exactly this and stops the run."
        ),
    ),
    ClassicBug(
        name="pre-activation-for-activation",
        title="Z₁ instead of A₁ in dW₂",
        change=Change(
            "mnist_scratch.network.backward",
            '"dW2": weight_gradient(delta2, cache["A1"]),',
            '"dW2": weight_gradient(delta2, cache["Z1"]),',
        ),
        exercise="backward",
        hint=(
            "Your dW₂ is wrong where a hidden unit is off. The second layer's input is what the "
            "hidden layer outputs, after the ReLU. A point where every unit is on cannot tell "
            "the two apart."
        ),
        explanation=(
            "$Z_1$ and $A_1 = \\mathrm{ReLU}(Z_1)$ agree wherever a unit is on, so a check at a "
            "point where every hidden unit is active cannot see this; any point with an "
            "inactive unit can."
        ),
    ),
)


def bug(name: str) -> ClassicBug:
    """The classic bug called ``name``."""
    for b in BUGS:
        if b.name == name:
            return b
    raise KeyError(name)
