r"""The exercises that end the pages of the forward pass: the forward pass, ReLU, softmax and
cross-entropy.

`IMPLEMENT` (write the package's function) and `DERIVE` (derive an expression), each in the
order of the pages; `mnist_scratch.exercises.catalogue` puts every part's exercises together.
"""

from __future__ import annotations

from mnist_scratch.exercises.kinds import (
    DELTA,
    EXP,
    LOG,
    MAX,
    SUM,
    Derive,
    H,
    Implement,
    Name,
    S,
    Step,
    combos,
)

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
        checks=combos(d=(1, 3), i=(1, 2), j=(1, 2)),
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
        checks=combos(K=(2, 3), k="K", k2="K"),
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
        checks=combos(K=(2, 3), k="K"),
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
)
