"""provenance: find republished passages in a folder of news articles and trace their origin.

Library use::

    from provenance import AuditOptions, audit, build_report, default_params
    result = audit(Path("ARCHIVE"), AuditOptions(jobs=2))
    report = build_report(result, default_params(), corpus="ARCHIVE", started="", finished="")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    ConfigError,
    CorpusError,
    ProvenanceError,
    ReportError,
    SidecarError,
)
from .params import default_params, with_overrides  # noqa: E402
from .pipeline import AuditOptions, audit, index_corpus  # noqa: E402
from .report import build_report, load_report, write_report  # noqa: E402

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
