"""Heavy-ball momentum: the velocity collects gradients, the step follows the velocity."""


def momentum_update(theta, dtheta, velocity, lr, mu=0.9, *, inplace=False):
    if inplace:
        velocity *= float(mu)
        velocity += dtheta
        theta -= float(lr) * velocity
        return theta, velocity
    velocity = float(mu) * velocity + dtheta  # v <- mu v + dtheta
    return theta - float(lr) * velocity, velocity  # theta <- theta - alpha v
