"""Run provenance: what a saved result depends on, recorded beside it.

>>> from rlx_envs.analysis.provenance import versions
>>> sorted(versions())[:3]
['gymnasium', 'mujoco', 'numpy']
>>> isinstance(cpu(), str)
True
"""

from __future__ import annotations

import os
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


def cpu() -> str:
    """The processor's model name and core count, as far as the system tells (speed figures
    depend on both: the JAX batch's ratio to the numpy batch differs nearly twofold between two
    2-core machines)."""
    name = platform.processor() or platform.machine() or "unknown cpu"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} cores"
