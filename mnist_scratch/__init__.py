"""mnist_scratch: a 784-10-10 MNIST classifier written from scratch in NumPy.

Every public formula function carries its equation in its docstring and links back to the
page of the site that derives it.
"""

__version__ = "0.1.0"
