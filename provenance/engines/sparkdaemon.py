"""Spark's Python daemon, with provenance imported before it forks its workers.

Spark starts Python workers by forking a daemon process (``pyspark.daemon``).  A
stage whose task reads two Python pipelines (a union, a join) needs several workers
at once, and each new worker would import NumPy, datasketch, lxml and provenance
again, a second or more each.  Set ``spark.python.daemon.module`` to this module
and the workers start with all of it loaded::

    --conf spark.python.daemon.module=provenance.engines.sparkdaemon

The Spark engine sets it by itself for ``local`` masters.  On a cluster, set it only
where provenance is installed in the executors' Python (a shipped environment, not
``--py-files``), since the daemon starts before any file is shipped.
"""

from __future__ import annotations

import provenance.engines.spark  # noqa: F401  (NumPy, datasketch, the readers, the pipeline)
from pyspark.daemon import manager

if __name__ == "__main__":
    manager()
