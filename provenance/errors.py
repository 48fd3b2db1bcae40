"""Named failures. The library raises these; only the CLI prints and exits."""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base class for every error the library raises on purpose."""


class CorpusError(ProvenanceError):
    """The corpus root itself is unusable (missing, not a folder, unreadable)."""


class SidecarError(ProvenanceError):
    """A sidecar metadata file given explicitly cannot be read at all."""


class ConfigError(ProvenanceError):
    """A parameter or data file (thresholds, outlets, rules) is invalid."""


class ReportError(ProvenanceError):
    """A report file cannot be read back (missing, not JSON, wrong schema version)."""
