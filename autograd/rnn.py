"""The recurrent network, kept importable here: ``RNN`` lives in ``autograd.nn.rnn``.

``from autograd.rnn import RNN``, ``from autograd.nn import RNN`` and
``from autograd.nn.rnn import RNN`` give the same class.
"""

from autograd.nn.rnn import RNN

__all__ = ["RNN"]
