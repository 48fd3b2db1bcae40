"""provenance: find republished passages in a folder of news articles and trace their origin.

Library use::

    from provenance import AuditOptions, audit, build_report, default_params
    result = audit(Path("ARCHIVE"), AuditOptions(jobs=2))
    report = build_report(result, default_params(), corpus="ARCHIVE", started="", finished="")
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING  # noqa: E402

from .errors import (  # noqa: E402
    ConfigError,
    CorpusError,
    ProvenanceError,
    ReportError,
    SidecarError,
)

if TYPE_CHECKING:
    from .params import default_params, with_overrides
    from .pipeline import AuditOptions, audit, index_corpus
    from .report import build_report, load_report, write_report

# The library's entry points, each loaded from its module when first used, so that importing
# the package (as the command line does before anything else) does not load NumPy and SciPy.
_ENTRY_POINTS = {
    "default_params": "params",
    "with_overrides": "params",
    "AuditOptions": "pipeline",
    "audit": "pipeline",
    "index_corpus": "pipeline",
    "build_report": "report",
    "load_report": "report",
    "write_report": "report",
}


def __getattr__(name: str):
    module = _ENTRY_POINTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ENTRY_POINTS))


__all__ = [
    "__version__",
    "AuditOptions",
    "ConfigError",
    "CorpusError",
    "ProvenanceError",
    "ReportError",
    "SidecarError",
    "audit",
    "build_report",
    "default_params",
    "index_corpus",
    "load_report",
    "with_overrides",
    "write_report",
]
