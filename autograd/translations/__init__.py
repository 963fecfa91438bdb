"""The tables of ``autograd.language``: one module per language, each a ``WORDS`` dict from
the English text the code writes to that language's."""
