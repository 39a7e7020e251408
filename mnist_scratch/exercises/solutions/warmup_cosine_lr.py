"""A linear warm-up to the base rate, then a cosine down to the final rate."""

import math


def warmup_cosine_lr(step, total_steps, base_lr, warmup_steps, final_lr=0.0):
    if step < warmup_steps:
        # (t + 1)/T_w: the first step already moves, the ramp reaches base_lr at t = T_w - 1.
        return float(base_lr * (step + 1) / warmup_steps)
    # The cosine starts afresh after the warm-up, over the T - T_w steps that are left.
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return float(final_lr + 0.5 * (base_lr - final_lr) * (1 + math.cos(math.pi * progress)))
