r"""Exercises that grade themselves, and the classic back-propagation bugs.

Each derivation page of the site ends with exercises of two kinds: **implement** a function of
the package yourself (same name and signature), or **derive** an expression and type it in
sympy syntax. ``python -m mnist_scratch.exercises`` lists them, shows one, gives its hint or its
worked solution, and grades an answer:

```console
$ python -m mnist_scratch.exercises check softmax my_softmax.py
```

Grading checks properties, not one example (random shapes with m = 1, float32 and float64, the
ReLU kink at 0, logits of ±1000, inputs left unchanged, finite differences, sympy), names the
first property an answer fails and gives a hint aimed at the likely mistake. The reader's code
runs in a separate process with a time limit and a memory limit.

Modules, one job each: `catalogue` (the list of exercises), `kinds` (what an exercise is),
`forward_exercises`, `backprop_exercises` and `training_exercises` (the exercises of each part
of the site), `bugs` (the classic bugs), `changes` (one-line changes applied in memory),
`checks` and `references` (calling an answer, comparing results, the independent references),
`properties` (which properties grade which implement exercise), `against_reference`,
`activation_properties`, `loss_properties`, `gradient_properties`, `network_properties` and
`optim_properties` (the properties, by the package module of the function graded), `mistakes`
(wrong answers with hints of their own), `implement` (grading implement answers), `derive`
(safe parsing and symbolic comparison), `grading` (loading an answer), `sandbox` (the limits),
`bugrun` (what each classic bug does, for the site), `cli` (the command line).
"""
