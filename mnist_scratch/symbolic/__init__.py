r"""The sympy proofs behind the derivation pages, shared by the pages and the tests.

Each proof differentiates a loss that sympy sees written out, and reduces the result to the
formula the package computes, step by step; a page shows the steps
(`mnist_scratch.pages.proof`) and a test asserts the proof holds and fails on a wrong formula.

* `layers`: softmax, cross-entropy and ReLU for one example, with a symbolic number of
  classes $K$: the output error (two routes), the softmax Jacobian and shift, ReLU′.
* `backprop`: the whole network with symbolic sizes $d, n, K, m$: the hidden error and the
  four parameter gradients.
* `optim`: why descent descends, momentum's limit, the schedules' ends and joins.
* `tiny`: a small network of fixed size written out symbol by symbol, differentiated entry by
  entry and compiled to NumPy: the independent witness of the numeric checks.
* `proof`, `algebra`, `printing`: the proof record, the identities on sums the proofs use, and
  the LaTeX printer of the site's notation.
"""
