"""Where the shipped data live: ``assets/`` at the top of a checkout, ``rlx_envs/assets`` in the
wheel (``pyproject.toml`` maps the one onto the other)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # rlx_envs/


def asset_dir(kind: str) -> Path:
    """The folder of one kind of asset ("levels", "topdown", "mjcf")."""
    for candidate in (_PACKAGE / "assets" / kind, _PACKAGE.parent / "assets" / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"rlx_envs {kind} assets are missing; reinstall the package")
