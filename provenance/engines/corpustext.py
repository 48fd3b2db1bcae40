"""A document's text on the driver after a Spark audit: its length, not its characters.

The Spark engine never collects the corpus's texts onto the driver: the report needs
only each text's length (``documents[].characters``).  The documents it returns hold
a ``CorpusText`` instead: a ``str`` whose ``len()`` is the text's length and whose
characters are read again from the corpus file the first time they are used
(indexing, slicing, iteration, comparison, ``str()`` and every ``str`` method), then
kept.  The HTML export, which quotes passages, works unchanged.

C code that reads a ``str``'s buffer directly (``re``, ``json``) sees an empty
string: call ``str(text)`` first.
"""

from __future__ import annotations

from typing import Callable

from ..errors import ProvenanceError

_METHODS = frozenset(n for n in dir(str) if not n.startswith("_"))


class TextUnavailable(ProvenanceError):
    """The text of a document cannot be read again (the file changed or is gone)."""


class CorpusText(str):
    def __new__(cls, length: int, load: Callable[[], str]) -> "CorpusText":
        self = super().__new__(cls, "")
        self.__dict__["_length"] = length
        self.__dict__["_load"] = load
        self.__dict__["_value"] = None
        return self

    # -- the text itself ---------------------------------------------------

    def value(self) -> str:
        d = object.__getattribute__(self, "__dict__")
        if d["_value"] is None:
            text = d["_load"]()
            if len(text) != d["_length"]:
                raise TextUnavailable("the file's text is not the one audited (its length changed)")
            d["_value"] = text
        return d["_value"]

    def __getattribute__(self, name: str):
        if name in _METHODS:
            return getattr(object.__getattribute__(self, "value")(), name)
        return object.__getattribute__(self, name)

    # -- what works without reading it -------------------------------------

    def __len__(self) -> int:
        return self.__dict__["_length"]

    def __bool__(self) -> bool:
        return self.__dict__["_length"] > 0

    def __repr__(self) -> str:
        if self.__dict__["_value"] is not None:
            return repr(self.__dict__["_value"])
        return f"<text of {self.__dict__['_length']} characters, read from the corpus when used>"

    # -- everything else reads it ------------------------------------------

    def __str__(self) -> str:
        return self.value()

    def __getitem__(self, key):
        return self.value()[key]

    def __iter__(self):
        return iter(self.value())

    def __contains__(self, item) -> bool:
        return item in self.value()

    def __eq__(self, other) -> bool:
        if isinstance(other, str) and len(other) != len(self):
            return False
        return self.value() == (other.value() if isinstance(other, CorpusText) else other)

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.value())

    def __lt__(self, other) -> bool:
        return self.value() < str(other)

    def __le__(self, other) -> bool:
        return self.value() <= str(other)

    def __gt__(self, other) -> bool:
        return self.value() > str(other)

    def __ge__(self, other) -> bool:
        return self.value() >= str(other)

    def __add__(self, other) -> str:
        return self.value() + str(other)

    def __radd__(self, other) -> str:
        return str(other) + self.value()

    def __mul__(self, n) -> str:
        return self.value() * n

    __rmul__ = __mul__

    def __mod__(self, args) -> str:
        return self.value() % args

    def __format__(self, spec: str) -> str:
        return format(self.value(), spec)

    def __reduce__(self):
        d = self.__dict__
        if d["_value"] is not None:
            return (str, (d["_value"],))
        return (CorpusText, (d["_length"], d["_load"]))


class Withheld:
    """The loader of a text deliberately not sent along (a stage that needs only its length)."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __call__(self) -> str:
        raise TextUnavailable(self.why)
