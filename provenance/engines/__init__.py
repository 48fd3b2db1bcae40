"""Engines that run the audit: ``local`` (pipeline.py, processes on one machine) and
``spark`` (engines/spark.py, the same stages on an Apache Spark cluster).

Importing this package never imports PySpark; ``audit_spark`` raises
``EngineUnavailable`` (a ProvenanceError) when PySpark or Java is missing, and
``SparkJobFailed`` (one too, in ``engines.spark``) when a job of the audit fails.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..archive import AddStats
    from ..model import AuditResult, Inventory
    from ..pipeline import AuditOptions


class Engine(str, Enum):
    local = "local"
    spark = "spark"


def audit_spark(corpus: str | Path, options: "AuditOptions | None" = None, master: str | None = None, *,
                conf: dict[str, str] | None = None, quiet: bool = False) -> "AuditResult":
    """See ``engines.spark.audit_spark``."""
    from .spark import audit_spark as run

    return run(corpus, options, master, conf=conf, quiet=quiet)


def index_corpus_spark(corpus: str | Path, index_path: Path, options: "AuditOptions | None" = None,
                       master: str | None = None, *, conf: dict[str, str] | None = None, quiet: bool = False
                       ) -> "tuple[AddStats, Inventory]":
    """See ``engines.spark.index_corpus_spark``."""
    from .spark import index_corpus_spark as run

    return run(corpus, index_path, options, master, conf=conf, quiet=quiet)


__all__ = ["Engine", "audit_spark", "index_corpus_spark"]
