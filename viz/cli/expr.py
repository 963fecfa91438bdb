"""Arithmetic on Values from text, parsed with ``ast`` against a whitelist (never ``eval``).

>>> values, out = evaluate("q = x + y; f = q * z", {"x": -2.0, "y": 5.0, "z": -4.0})
>>> out.label, out.data, values["q"].data
('f', -12.0, 3.0)

Names are compared as Python compares them, after NFKC normalisation: the
fullwidth ``ｘ`` is the variable ``x``.

Allowed: numbers, variables, ``+ - * / **``, unary ``-`` and ``+``, parentheses,
the functions in :data:`FUNCTIONS`, and ``name = expression`` statements
separated by ``;`` or newlines, which label intermediate values. Anything
else (attribute access, subscripts, strings, calls of other names, ...) is an
:class:`ExpressionError` that quotes the expression and points at the
offending part.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import unicodedata
import warnings
from collections.abc import Mapping
from typing import Any

from autograd.engine import Constant, Value, topological_order

__all__ = ["evaluate", "ExpressionError", "FUNCTIONS", "MAX_LENGTH"]

FUNCTIONS = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "abs", "sin", "cos")
MAX_LENGTH = 10_000  # characters; a diagram of a longer expression would be unreadable anyway

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}

# What to call a forbidden construct in an error message.
_DESCRIPTIONS = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
    ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'", ast.IfExp: "an if-expression",
    ast.JoinedStr: "an f-string", ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict",
    ast.Set: "a set", ast.ListComp: "a comprehension", ast.GeneratorExp: "a generator",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension", ast.Starred: "'*'",
    ast.NamedExpr: "':='", ast.Await: "'await'", ast.Yield: "'yield'",
    ast.Import: "an import", ast.ImportFrom: "an import", ast.FunctionDef: "a function",
    ast.ClassDef: "a class", ast.For: "a loop", ast.While: "a loop", ast.If: "an if",
    ast.With: "a with-block", ast.Delete: "del", ast.AugAssign: "an augmented assignment",
    ast.Global: "global", ast.Nonlocal: "nonlocal", ast.Return: "return", ast.Raise: "raise",
    ast.Try: "try", ast.Assert: "assert", ast.Pass: "pass", ast.AnnAssign: "an annotation",
}
_OPERATORS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
              ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^",
              ast.Invert: "~", ast.Not: "not"}

ALLOWED = (f"numbers, variables, + - * / **, parentheses, name = ... statements and the "
           f"functions {', '.join(FUNCTIONS)}")


# Where Python's tokenizer ends a line. str.splitlines() also splits at \x0b, \x0c,
# \x1c-\x1e, \x85, \u2028 and \u2029, which would put the caret on the wrong line.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(source: str) -> list[str]:
    """``source`` split into lines where Python's parser splits it (its line numbers)."""
    return _LINE_BREAK.split(source)


def one_line(text: str) -> str:
    """``text`` with its line breaks (of any kind) turned into spaces: one line of a message."""
    return re.sub(r"\s*[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\s*", " ", text).strip()


class ExpressionError(ValueError):
    """A bad expression: the message quotes it and marks the offending part with ^^^.

    The message is the problem on one line, then, when the expression is known,
    the offending line of it and a line of carets under the offending part.
    """

    def __init__(self, problem: str, source: str = "", line: int = 1, start: int = 0,
                 end: int | None = None) -> None:
        problem = one_line(problem)
        self.problem = problem
        self.source = source
        self.line, self.start = line, start
        self.end = end if end is not None and end > start else start + 1
        message = problem
        lines = source_lines(source)
        if source and 1 <= line <= len(lines):
            text = lines[line - 1]
            end = min(self.end, max(len(text), start + 1))
            message += f"\n  {text}\n  {' ' * start}{'^' * (end - start)}"
        super().__init__(message)


def _error(problem: str, source: str, node: ast.AST) -> ExpressionError:
    line = getattr(node, "lineno", 1)
    start = getattr(node, "col_offset", 0)
    end_line = getattr(node, "end_lineno", line)
    end = getattr(node, "end_col_offset", None) if end_line == line else None
    # ast offsets count UTF-8 bytes; the caret counts characters.
    lines = source_lines(source)
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    raw = text.encode("utf-8")
    start = len(raw[:start].decode("utf-8", "replace"))
    if end is not None:
        end = len(raw[:end].decode("utf-8", "replace"))
    return ExpressionError(problem, source, line, start, end)


def _forbidden(node: ast.AST, source: str) -> ExpressionError:
    what = _DESCRIPTIONS.get(type(node))
    if isinstance(node, ast.Constant):
        what = f"a {type(node.value).__name__} constant ({node.value!r:.30})"
    if isinstance(node, (ast.BinOp, ast.UnaryOp)) and type(node.op) in _OPERATORS:
        what = f"the operator {_OPERATORS[type(node.op)]}"
    what = what or f"{type(node).__name__}"
    return _error(f"{what} is not allowed; an expression may use {ALLOWED}", source, node)


def check_name(name: str) -> str:
    """``name`` as the expression would spell it, if it can be a variable, else a ValueError.

    Python's parser NFKC-normalises identifiers (``ｘ`` and ``x`` are one name),
    so the name is normalised the same way before it is checked and returned.

    >>> check_name("ｘ")
    'x'
    """
    if not isinstance(name, str):
        raise TypeError(f"a variable name is a str, got {type(name).__name__}")
    typed, name = name, unicodedata.normalize("NFKC", name)
    if not typed.isidentifier() or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{name!r} is not a variable name (letters, digits and _, not "
                         f"starting with a digit, not a Python keyword)")
    if name.startswith("__"):
        raise ValueError(f"{name!r}: variable names may not start with '__'")
    if name in FUNCTIONS:
        raise ValueError(f"{name!r} is a function name; choose another variable name")
    return name


def evaluate(source: str, variables: Mapping[str, float], output: str | None = None
             ) -> tuple[dict[str, Value], Value]:
    """Build the graph of ``source`` over ``variables`` and return (named Values, output).

    The named Values are the variables (leaves labelled with their names) and
    every ``name = ...`` target. The output is the last statement's value,
    labelled with its target, else ``output``, else "f" (or "out" if "f" is
    taken). Raises :class:`ExpressionError` for anything outside the whitelist
    and for math errors (log of a negative number, division by zero), pointing
    at the part that failed.
    """
    if not isinstance(source, str):
        raise TypeError(f"the expression is a str, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(source)} characters long; the limit is "
                              f"{MAX_LENGTH}")
    if not source.strip():
        raise ExpressionError("the expression is empty; write something like \"(x + y) * z\"")
    try:
        # The parser warns about things like "1and x" on stderr; every construct that
        # gets a warning is refused below with its own message anyway.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(source, mode="exec")
    except SyntaxError as e:
        line = e.lineno or 1
        start = max(0, (e.offset or 1) - 1)
        end = (e.end_offset - 1) if e.end_offset and e.end_lineno == e.lineno else None
        raise ExpressionError(f"syntax error: {e.msg}", source, line, start, end) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply for Python's parser; "
                              "name some parts (q = ...; f = q * ...)") from None
    except ValueError as e:  # e.g. a NUL byte
        raise ExpressionError(f"cannot parse the expression: {e}") from None

    names: dict[str, Value] = {}
    spelled: dict[str, str] = {}
    for typed, value in variables.items():
        name = check_name(typed)
        if name in names:
            raise ValueError(f"{spelled[name]!r} and {typed!r} are the same name {name!r} "
                             f"(Python reads names NFKC-normalised); give it one value")
        names[name] = Value(float(value), name)
        spelled[name] = typed
    given = set(names)
    statements = tree.body
    if not statements:
        raise ExpressionError("the expression is empty; write something like \"(x + y) * z\"")
    result: Any = None
    target = None
    for i, statement in enumerate(statements):
        if isinstance(statement, ast.Assign):
            if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
                raise _error("assign to one plain name, as in q = x + y", source, statement)
            target = statement.targets[0].id
            try:
                check_name(target)
            except ValueError as e:
                raise _error(str(e), source, statement.targets[0]) from None
            if target in given:
                raise _error(f"{target} is given a value on the command line; assign to "
                             f"another name", source, statement.targets[0])
            if target in names:
                raise _error(f"{target} is assigned twice; give each step its own name",
                             source, statement.targets[0])
            result = _value(statement.value, names, source)
            if not isinstance(result, Value):
                result = Constant(result)
            result.label = target
            names[target] = result
        elif isinstance(statement, ast.Expr):
            if i != len(statements) - 1:
                raise _error("only the last statement may be a bare expression; name the "
                             "others (q = x + y)", source, statement)
            result = _value(statement.value, names, source)
            target = None
        else:
            raise _forbidden(statement, source)
    if not isinstance(result, Value) or not _uses_variable(result):
        raise ExpressionError("the expression uses no variable, so there is nothing to "
                              "differentiate; give one, e.g. \"x * 2\" x=3", source)
    if target is None:
        label = output or ("f" if "f" not in names else "out")
        if result.label and result.label in names:  # the output is a named value itself
            label = result.label
        result.label = label
    return names, result


def _uses_variable(root: Value) -> bool:
    """Whether ``root`` depends on a variable (a leaf that is not a constant)."""
    return any(not node.inputs and node.__class__ is not Constant
               for node in topological_order(root))


def _value(tree: ast.expr, names: Mapping[str, Value], source: str) -> Any:
    """Evaluate one expression tree with an explicit stack (deep expressions cannot
    exhaust Python's recursion limit). Plain numbers stay floats until they meet a Value."""
    results: dict[ast.AST, Any] = {}
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            children = _check(node, names, source)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        try:
            results[node] = _apply(node, results, names)
        except (ValueError, ZeroDivisionError, OverflowError, ArithmeticError) as e:
            raise _error(f"cannot compute this part: {e}", source, node) from None
    return results[tree]


def _check(node: ast.AST, names: Mapping[str, Value], source: str) -> list[ast.AST]:
    """Refuse anything off the whitelist; return the node's sub-expressions."""
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return [node.operand]
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _forbidden(node, source)
        return []
    if isinstance(node, ast.Name):
        if node.id not in names:
            hint = f"give it a value, e.g. {node.id}=1.5" if node.id.isidentifier() else ""
            if node.id in FUNCTIONS:
                hint = f"{node.id} is a function: call it, as in {node.id}(x)"
            raise _error(f"unknown name {node.id!r}: {hint}", source, node)
        return []
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            called = ast.get_source_segment(source, node.func) or "this"
            raise _error(f"calling {called[:40]} is not allowed; the functions are "
                         f"{', '.join(FUNCTIONS)}", source, node.func)
        if node.func.id not in FUNCTIONS:
            raise _error(f"unknown function {node.func.id!r}; the functions are "
                         f"{', '.join(FUNCTIONS)}", source, node.func)
        if node.keywords:
            raise _error("keyword arguments are not allowed", source, node.keywords[0].value)
        allowed = (1, 2) if node.func.id == "leaky_relu" else (1,)
        if len(node.args) not in allowed:
            takes = "one or two arguments (x, slope)" if node.func.id == "leaky_relu" \
                else "one argument"
            raise _error(f"{node.func.id}() takes {takes}, got {len(node.args)}", source, node)
        return list(node.args)
    raise _forbidden(node, source)


def _apply(node: ast.AST, results: dict[ast.AST, Any], names: Mapping[str, Value]) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.BinOp):
        a, b = results[node.left], results[node.right]
        op = _BINARY[type(node.op)]
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        return _power(a, b)
    if isinstance(node, ast.UnaryOp):
        a = results[node.operand]
        return -a if isinstance(node.op, ast.USub) else a
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    args = [results[arg] for arg in node.args]
    x = args[0] if isinstance(args[0], Value) else Constant(args[0])
    if node.func.id == "leaky_relu":
        slope = args[1] if len(args) > 1 else 0.01
        if isinstance(slope, Value):
            raise ValueError("leaky_relu's slope must be a number, not a variable")
        return x.leaky_relu(slope)
    return getattr(x, node.func.id)()


def _power(a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        result = a ** b
        if isinstance(result, complex):
            raise ValueError(f"{a:g} ** {b:g} has no real value")
        if math.isinf(result):
            raise OverflowError(f"{a:g} ** {b:g} is too large")
        return result
    return a ** b
