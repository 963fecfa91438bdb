"""Neural networks on the scalar engine: every weight is a ``Parameter`` you can inspect and draw.

A module is called on **one sample** (a list of numbers or Values, one per
feature) or on **a batch** (a list of batch Values, one per feature, as made
by ``autograd.batch(X)``); both run the same graph, so they agree to rounding.

>>> from autograd.engine import batch
>>> model = MLP(2, [16, 16, 1], seed=0)          # relu, relu, linear
>>> score = model([0.5, -1.0])                    # one sample: a single Value
>>> scores = model(batch([[0.5, -1.0], [1.0, 0.2]]))  # a batch: one Value, two samples
>>> bool(abs(scores.data[0] - score.data) < 1e-12)
True
>>> len(model.parameters()), next(iter(model.named_parameters()))[0]
(337, 'layers.0.neurons.0.w.0')

``Module`` gives the PyTorch surface: ``parameters()``, ``named_parameters()``,
``zero_grad()``, ``train()``/``eval()``, ``state_dict()``/``load_state_dict()``
and ``save()``/``load()`` (JSON, never pickle); ``state_dict(format="torch")``
gives the arrays the equivalent PyTorch model loads (``torch_equivalent()``
names it), and ``load_state_dict(..., format="torch")`` takes them back. A
module called as part of a bigger one opens the engine's ``scope`` named after
its path (for example ``layers.0.neurons.3``), so every Value it makes records
where it came from.

One concept per module, each importing only those before it: ``serialization``
(the model file of ``save``/``load``), ``torch_format`` (the state dict in
PyTorch's names and shapes), ``module`` (``Module`` and its state dict),
``linear`` (``Neuron``, ``Layer``, ``MLP``, the activations and
initialisations), ``sequential``, ``perceptron``, ``activation``, ``dropout``,
``normalization`` (``BatchNorm1d``, ``LayerNorm``) and ``rnn`` (``RNN``).
Everything is imported from here.
"""

# The names in __all__, then (as X as X) what autograd.nn has always held besides: the
# engine's names (``nn.add_n``), the seed type, the file format and the helpers the layers
# share (``_features``, ``_size``), for code that reaches them here. MAX_FILE_BYTES here is a
# copy for reading: the limit that save and load obey is serialization.MAX_FILE_BYTES.
from autograd.data import Seed as Seed
from autograd.data import _rng as _rng
from autograd.engine import Parameter
from autograd.engine import Value as Value
from autograd.engine import add_n as add_n
from autograd.engine import batch as batch
from autograd.engine import no_grad as no_grad
from autograd.engine import scope as scope
from autograd.nn._checks import _choice as _choice
from autograd.nn._checks import _finite_number as _finite_number
from autograd.nn._checks import _size as _size
from autograd.nn.activation import Activation
from autograd.nn.dropout import Dropout
from autograd.nn.linear import ACTIVATIONS, INITS, MLP, Layer, Neuron
from autograd.nn.module import STATE_FORMATS as STATE_FORMATS
from autograd.nn.module import IncompatibleKeys, Module, StateDictError
from autograd.nn.module import _as_value as _as_value
from autograd.nn.module import _features as _features
from autograd.nn.normalization import BatchNorm1d, LayerNorm
from autograd.nn.perceptron import Perceptron
from autograd.nn.rnn import RNN
from autograd.nn.sequential import Sequential
from autograd.nn.serialization import FILE_FORMAT as FILE_FORMAT
from autograd.nn.serialization import FILE_VERSION as FILE_VERSION
from autograd.nn.serialization import MAX_FILE_BYTES as MAX_FILE_BYTES
from autograd.nn.serialization import ModelFileError
from autograd.nn.torch_format import _TorchKey as _TorchKey
from autograd.nn.torch_format import _TorchUnit as _TorchUnit

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "Perceptron", "Sequential", "Activation", "Dropout",
    "BatchNorm1d", "LayerNorm", "Parameter", "IncompatibleKeys", "StateDictError", "ModelFileError",
    "ACTIVATIONS", "INITS", "RNN",
]
