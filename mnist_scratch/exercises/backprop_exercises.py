r"""The exercises that end the pages of back-propagation: the output error δ₂, the hidden error
δ₁ and the parameter gradients.

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
)

DERIVE = (
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
        checks=combos(K=(2, 3, 4), k="K"),
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
        checks=combos(K=(1, 3), i=(1, 2), j=(1, 2)),
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
        checks=combos(m=(1, 2, 3), i=(1, 2), p=(1, 2)),
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
)
