r"""The properties of the exercises on `mnist_scratch.optim`: ``gd_update``, ``momentum_update``
and ``warmup_cosine_lr``.

New arrays or writes in place as ``inplace`` says, float32 kept whatever type the learning rate
is, sequences of momentum steps from v = 0, and the schedule at every step against sympy's
piecewise formula.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mnist_scratch.exercises.checks import (
    Caller,
    Case,
    Failed,
    Property,
    expect_array,
    expect_number,
)
from mnist_scratch.exercises.references import seeded, simple_case, warmup_lr64


def _update_case(label: str, shape, seed: int, lr: Any, dtype=np.float64, inplace=None) -> Case:
    def make():
        rng = seeded(seed)
        theta, dtheta = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)
        kwargs = {} if inplace is None else {"inplace": inplace}
        return (theta, dtheta, lr), kwargs

    return Case(label, make, writes=(0,) if inplace else (), facts={"lr": float(lr), "steps": True})


def gd_update_properties() -> list[Property]:
    def expected_of(case: Case) -> np.ndarray:
        (theta, dtheta, lr), _ = case.make()
        return (theta.astype(np.float64) - float(lr) * dtheta).astype(theta.dtype)

    def returns_new(call: Caller) -> None:
        for shape, seed in (((10, 784), 0), ((10, 1), 1)):
            case = _update_case(
                f"theta {shape}, lr = 0.1, inplace=False", shape, seed, 0.1, inplace=False
            )
            got, args, _ = call.run(case)
            expect_array(got, expected_of(case), case)
            if got is args[0]:
                raise Failed(f"on {case.label}, it returned theta itself", case, got)

    def in_place(call: Caller) -> None:
        case = _update_case("theta (4, 3), lr = 0.5, inplace=True", (4, 3), 2, 0.5, inplace=True)
        got, args, _ = call.run(case)
        expect_array(args[0], expected_of(case), case, "theta after the call")
        if got is not args[0]:
            raise Failed(
                f"on {case.label}, it returned a new array, not theta itself",
                case,
                got,
                hint="With inplace=True, write the result into theta (out=theta) and return it.",
            )

    def keeps_float32(call: Caller) -> None:
        for lr, kind in ((0.1, "a Python float"), (np.float64(0.1), "a NumPy float64")):
            case = _update_case(
                f"float32 theta (3, 5), lr = 0.1 as {kind}", (3, 5), 3, lr, np.float32
            )
            got, _, _ = call.run(case)
            expect_array(got, expected_of(case), case)

    return [
        Property("returns θ − α dθ as a new array, leaving θ alone", returns_new),
        Property("with inplace=True writes into θ and returns θ itself", in_place),
        Property(
            "keeps float32 as float32, whether lr is a Python or a NumPy float", keeps_float32
        ),
    ]


def momentum_update_properties() -> list[Property]:
    def sequence(call: Caller, steps: int, mu: float, inplace: bool, dtype=np.float64) -> None:
        rng = seeded(7)
        theta = rng.normal(size=(3, 4)).astype(dtype)
        grads = [rng.normal(size=(3, 4)).astype(dtype) for _ in range(steps)]
        v = np.zeros_like(theta)
        ref_theta, ref_v = theta.astype(np.float64), np.zeros((3, 4))
        for t, g in enumerate(grads):
            ref_v = mu * ref_v + g
            ref_theta = ref_theta - 0.1 * ref_v
            label = (
                f"step {t} of {steps} from v = 0, lr = 0.1, mu = {mu}, inplace={inplace}, "
                f"{np.dtype(dtype).name}"
            )
            case = Case(
                label,
                lambda th=theta, gr=g, ve=v: (
                    (th.copy(), gr.copy(), ve.copy(), 0.1, mu),
                    {"inplace": inplace},
                ),
                writes=(0, 2) if inplace else (),
                facts={"lr": 0.1, "steps": True},
            )
            got, args, _ = call.run(case)
            if not isinstance(got, tuple) or len(got) != 2:
                raise Failed(
                    f"on {label}, it returned {type(got).__name__}; expected (theta, velocity)",
                    case,
                    got,
                )
            expected = (ref_theta.astype(dtype), ref_v.astype(dtype))
            try:
                expect_array(got[0], expected[0], case, "theta")
                expect_array(got[1], expected[1], case, "the velocity")
            except Failed as failure:  # diagnose on the whole (theta, velocity)
                raise Failed(failure.detail, case, got, expected) from None
            if inplace and (got[0] is not args[0] or got[1] is not args[2]):
                raise Failed(
                    f"on {label}, it returned new arrays, not theta and velocity themselves",
                    case,
                    got,
                    hint="With inplace=True, write into theta and velocity and return them.",
                )
            theta, v = got[0].copy(), got[1].copy()

    return [
        Property(
            "the first step from v = 0 is a gradient-descent step",
            lambda call: sequence(call, 1, 0.9, False),
        ),
        Property(
            "four steps: v ← μ v + dθ, θ ← θ − α v", lambda call: sequence(call, 4, 0.9, False)
        ),
        Property(
            "with μ = 0 it is plain gradient descent", lambda call: sequence(call, 3, 0.0, False)
        ),
        Property(
            "with inplace=True writes into θ and v and returns them",
            lambda call: sequence(call, 3, 0.5, True),
        ),
        Property(
            "keeps float32 as float32", lambda call: sequence(call, 2, 0.9, False, np.float32)
        ),
    ]


def warmup_properties() -> list[Property]:
    def schedule(T, Tw, base, final, steps, what):
        def check(call: Caller) -> None:
            for t in steps:
                case = simple_case(
                    f"step {t} of T = {T}, T_w = {Tw}, base_lr = {base}, final_lr = {final}",
                    lambda t=t: (t, T, base, Tw, final),
                )
                got, _, _ = call.run(case)
                if what == "float" and type(got) is not float:
                    raise Failed(
                        f"on {case.label}, it returned a {type(got).__name__}",
                        case,
                        got,
                        hint=(
                            "Return a Python float, float(...): a NumPy float64 learning rate "
                            "would turn float32 parameters into float64 in the update."
                        ),
                    )
                expect_number(got, warmup_lr64(t, T, base, Tw, final), case)

        return check

    def sympy_agrees(call: Caller) -> None:
        import sympy as sp

        t = sp.Symbol("t", integer=True, nonnegative=True)
        T, Tw, a0, amin = 50, 7, sp.Rational(3, 10), sp.Rational(1, 100)
        formula = sp.Piecewise(
            (a0 * (t + 1) / Tw, t < Tw),
            (amin + (a0 - amin) * (1 + sp.cos(sp.pi * (t - Tw) / (T - Tw))) / 2, True),
        )
        for step in range(T + 1):
            case = simple_case(
                f"step {step} of T = 50, T_w = 7, base_lr = 0.3, final_lr = 0.01",
                lambda s=step: (s, 50, 0.3, 7, 0.01),
            )
            got, _, _ = call.run(case)
            expect_number(got, float(formula.subs(t, step)), case)

    return [
        Property("returns a Python float", schedule(10, 3, 0.3, 0.0, [0], "float")),
        Property("warm-up: α0 (t + 1)/T_w for t < T_w", schedule(10, 4, 0.3, 0.0, range(4), "")),
        Property(
            "then the cosine from α0 at t = T_w down to α_min at t = T",
            schedule(10, 4, 0.3, 0.05, range(4, 11), ""),
        ),
        Property(
            "with T_w = 0 it is the plain cosine schedule", schedule(8, 0, 0.2, 0.0, range(9), "")
        ),
        Property("agrees with sympy's piecewise formula at every step of a run", sympy_agrees),
    ]
