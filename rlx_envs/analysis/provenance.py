"""Run provenance: what a saved result depends on, recorded beside it.

>>> from rlx_envs.analysis.provenance import versions
>>> sorted(versions())[:3]
['gymnasium', 'mujoco', 'numpy']
"""

from __future__ import annotations

import platform
from importlib import metadata


def versions() -> dict[str, str]:
    """Versions of the packages a result depends on (and of Python)."""
    out = {"python": platform.python_version()}
    for package in ("rlx-envs", "gymnasium", "numpy", "mujoco"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[package] = "not installed"
    return out
