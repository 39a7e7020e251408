"""The sympy forms and proofs shared by the derivation pages and the tests."""

from mnist_scratch.symbolic._legacy import *  # noqa: F403  (the names of the former module)
