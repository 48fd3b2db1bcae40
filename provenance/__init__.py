"""provenance: find republished passages in a folder of news articles and trace their origin."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    ConfigError,
    CorpusError,
    ProvenanceError,
    ReportError,
    SidecarError,
    StrictModeError,
)

__all__ = [
    "__version__",
    "ConfigError",
    "CorpusError",
    "ProvenanceError",
    "ReportError",
    "SidecarError",
    "StrictModeError",
]
