"""Task parameters: declaration, parsing of spec strings, and validation in one place.

A task is named by a spec string ``NAME:key=value,...``. Every parameter has a default, a type and
an allowed range; a parameter may apply only for some values of another one (``when``). All
messages have one shape: ``The 'n' parameter of prefix-sorting must be an integer in [2, 3844].
Got '1'.``
"""

from __future__ import annotations

import math
from decimal import Decimal
from dataclasses import dataclass
from typing import Any, Mapping

from .errors import ParameterError

__all__ = ["Param", "parse_spec", "validate_params", "format_spec", "LIMITS", "check_number", "count"]


@dataclass(frozen=True)
class Param:
    """One task parameter.

    ``kind`` is ``int``, ``float`` or ``str``; numbers are checked against ``low``/``high``
    (inclusive unless ``low_open``), strings against ``choices``. ``when = (other, values)``
    makes the parameter apply only while parameter ``other`` takes one of ``values``.
    """

    name: str
    kind: type
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] | None = None
    when: tuple[str, tuple[str, ...]] | None = None

    def allowed(self) -> str:
        """The allowed values, in words (used in messages and in ``phasediag tasks``)."""
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        if self.kind is str:
            return "text"
        noun = "an integer" if self.kind is int else "a number"
        if self.low is None and self.high is None:
            return noun
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        return f"{noun} in {'(' if self.low_open else '['}{lo}, {hi}{')' if self.high is None else ']'}"

    def parse(self, family: str, raw: str) -> Any:
        """Turn the text ``raw`` into a value, or raise :class:`ParameterError`."""
        value: Any
        try:
            if self.kind is int:
                value = int(raw)
            elif self.kind is float:
                value = float(raw)
                if not math.isfinite(value):
                    raise ValueError
            else:
                value = raw
        except ValueError:
            value = None
        ok = value is not None
        if ok and self.choices is not None:
            ok = value in self.choices
        if ok and self.low is not None:
            ok = value > self.low if self.low_open else value >= self.low
        if ok and self.high is not None:
            ok = value <= self.high
        if not ok:
            raise ParameterError(
                f"The '{self.name}' parameter of {family} must be {self.allowed()}. Got '{raw}'."
            )
        return value


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``NAME:key=value,...`` into the family name and the raw ``{key: value}`` texts.

    >>> parse_spec("prefix-sorting:n=5,length=4")
    ('prefix-sorting', {'n': '5', 'length': '4'})
    """
    name, _, rest = spec.strip().partition(":")
    name = name.strip()
    if not name:
        raise ParameterError(f"Spec '{spec}' has no name; expected NAME or NAME:key=value,...")
    raw: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not key or not value:
            raise ParameterError(f"Spec item '{item}' in '{spec}' is not of the form key=value.")
        if key in raw:
            raise ParameterError(f"Spec '{spec}' gives parameter '{key}' twice.")
        raw[key] = value
    return name, raw


def validate_params(family: str, params: tuple[Param, ...], raw: Mapping[str, str]) -> dict[str, Any]:
    """Parse and check ``raw`` against ``params``; return every applicable parameter's value.

    Unknown names, values out of range and parameters given where they do not apply are errors.
    """
    known = {p.name: p for p in params}
    for key in raw:
        if key not in known:
            raise ParameterError(
                f"Unknown parameter '{key}' for {family}. Allowed: {', '.join(known)}."
            )
    values: dict[str, Any] = {}
    for p in params:
        if p.when is not None:
            other, allowed = p.when
            if values.get(other) not in allowed:
                if p.name in raw:
                    raise ParameterError(
                        f"The '{p.name}' parameter of {family} applies only with "
                        f"{other}={' or '.join(allowed)}; got {other}={values.get(other)}."
                    )
                continue
        values[p.name] = p.parse(family, raw[p.name]) if p.name in raw else p.default
    return values


def format_spec(family: str, values: Mapping[str, Any]) -> str:
    """The canonical spec string: every applicable parameter, in declaration order.

    >>> format_spec("prefix-sorting", {"n": 5, "length": 4})
    'prefix-sorting:n=5,length=4'
    """
    if not values:
        return family
    return family + ":" + ",".join(f"{k}={_fmt(v) if isinstance(v, float) else v}" for k, v in values.items())


#: The largest value each numeric option takes (what its consumers can hold: CP-SAT seeds are
#: 32-bit, a run of more proposals than this would not end, a sample larger than this would not
#: fit in memory).
LIMITS = {
    "seed": 2**31 - 1, "data_seed": 2**31 - 1, "workers": 256, "max_complexity": 2**31 - 1, "steps": 10**12,
    "chains": 1024, "windows": 1024, "data": 1 << 26, "test_size": 1 << 26, "verify": 10_000,
}


def check_number(name: str, value, low: float = 0) -> None:
    """A ParameterError unless ``value`` (an option of that ``name``) is a finite number in
    [low, LIMITS[name]] (or unlimited above when the name has no limit)."""
    high = LIMITS.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < low or (high is not None and value > high):
        bound = f"[{_fmt(low)}, {high:,}]" if high is not None else f"a finite number ≥ {_fmt(low)}"
        raise ParameterError(f"{name.replace('_', ' ')} must be in {bound}. Got {value!r}.")


def count(n: int, digits: int = 3) -> str:
    """A count of any size as text, in scientific notation past what a float holds.

    >>> count(10**20), count(200**200)
    ('1e+20', '1.61e+460')
    """
    try:
        return f"{n:.{digits}g}"
    except OverflowError:
        return format(Decimal(n), f".{digits - 1}e")
