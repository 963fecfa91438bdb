"""autograd: a scalar autograd engine you can see.

>>> from autograd import Value
>>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
>>> f = (x + y) * z
>>> f.backward()
>>> f.data, x.grad, y.grad, z.grad
(-12.0, -4.0, -4.0, 3.0)
"""

# The library's modules, so `import autograd` then `autograd.nn.MLP(...)` works.
# (`autograd.plots` needs matplotlib and stays an explicit import.)
from autograd import (
    callbacks,
    data,
    losses,
    nn,
    optim,
    preprocess,
    regularizers,
    rnn,
    schedules,
    scores,
    training,
)
from autograd.engine import (
    Constant,
    Parameter,
    Value,
    add_n,
    batch,
    current_scope,
    detect_anomaly,
    grad,
    is_grad_enabled,
    no_grad,
    scope,
    sum_abs,
    sum_squares,
    topological_order,
)
from autograd.gradcheck import GradcheckError, gradcheck
from autograd.ops import RULES, Rule

__version__ = "0.1.0"

__all__ = [
    "Value", "Constant", "Parameter", "RULES", "Rule", "grad", "no_grad", "is_grad_enabled",
    "detect_anomaly", "scope", "current_scope", "topological_order", "add_n", "sum_squares",
    "sum_abs", "batch", "gradcheck", "GradcheckError", "callbacks", "data", "losses", "nn",
    "optim", "preprocess", "regularizers", "rnn", "schedules", "scores", "training",
]
