r"""The exercises: what each asks, where it sits on the site, its hint and its worked solution.

This module owns the list: `IMPLEMENT`, `DERIVE` and `EXERCISES` hold every exercise, in the
order the command line lists them and the site shows them. The exercises themselves are
written in three modules, one per part of the site, each in the order of its pages:

- `mnist_scratch.exercises.forward_exercises`: the forward pass, ReLU, softmax, cross-entropy;
- `mnist_scratch.exercises.backprop_exercises`: the output error, the hidden error, the
  parameter gradients;
- `mnist_scratch.exercises.training_exercises`: the update, the gradient check.

What an exercise is, `Implement` or `Derive`, is `mnist_scratch.exercises.kinds`. Every
exercise belongs to one derivation page (``page``) and is shown at the end of it. Plain data,
so that listing or showing an exercise imports neither NumPy nor sympy.
"""

from __future__ import annotations

from mnist_scratch.exercises import backprop_exercises, forward_exercises, training_exercises
from mnist_scratch.exercises.kinds import Derive, Exercise, Implement

# The parts in the order of their pages on the site: each part's exercises follow the last's.
PARTS = (forward_exercises, backprop_exercises, training_exercises)

IMPLEMENT: tuple[Implement, ...] = tuple(e for part in PARTS for e in part.IMPLEMENT)

DERIVE: tuple[Derive, ...] = tuple(e for part in PARTS for e in part.DERIVE)

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
