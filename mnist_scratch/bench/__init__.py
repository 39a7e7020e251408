r"""Benchmark: how far training runs from this machine's floor, and how it compares with PyTorch.

``python -m mnist_scratch.bench`` measures four things and writes them to
``docs/assets/bench/results.json`` (the "Performance" page shows that file):

1. **Full-batch step ÷ its two big products.** One step of the training loop on all training
   rows (`forward`, then `mnist_scratch.train.loop.full_batch_step`) against $W_1 X$ and
   $\delta_1 X^{\top}$ alone, same shapes. Target ≤ 1.3.
2. **Mini-batch epoch ÷ one stream of the training set.** The training loop's own epoch
   (`mnist_scratch.train.loop.minibatch_epoch`: the improved recipe's batch, momentum and
   warm-up-then-cosine schedule, BLAS on one thread as training runs it) against one
   read-only pass over the float32 rows; split into the shuffle, the per-batch gathers, the two
   BLAS products, the fixed per-step cost (the same epoch on 1-row batches) and the remainder;
   and the same epoch with two other batch layouts, for the speed-up of the loop's.
3. **NumPy ÷ PyTorch CPU**, epochs alternated: idiomatic PyTorch (``nn.Sequential`` + autograd
   + ``optim.SGD``) and PyTorch running this package's hand-written formulas, against the loop's
   epoch. Targets ≤ 0.5 at H=10 and ≤ 0.8 at H=128 against idiomatic PyTorch. Skipped when
   torch is not installed.
4. **Training:** time to 92% and 94% test accuracy of `mnist_scratch.train.train` with the
   improved recipe, and the peak resident memory of the default ``python -m mnist_scratch.train``
   run (target ≤ 1 GiB).

Every speed figure is a ratio of two timings taken in the same process, alternated round by
round; the JSON keeps the median over rounds (and the per-round values), so the ratios hold on a
noisy, shared machine where absolute milliseconds do not. The machine, its BLAS (kernel and
thread count, ``OPENBLAS_CORETYPE`` as found) and the load average are recorded beside them.
Nothing here sets or clears a BLAS environment variable.

Modules: ``measure`` (timing, the machine, the rows), ``epochs`` (parts 1 and 2),
``versus_torch`` (part 3), ``training`` (part 4), ``report`` (the summary, the JSON and the
page's tables) and ``cli`` (the command line).
"""
