"""Test setup: headless pygame and MuJoCo, hypothesis profile."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("MUJOCO_GL", "egl")  # headless MuJoCo rendering
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from hypothesis import settings  # noqa: E402

# "ci" (the default): the same examples on every run (derandomized, seeded per test), so that the
# suite's verdict is reproducible like everything else here. "explore": fresh random examples and
# more of them, to hunt for new failures (RLX_HYPOTHESIS_PROFILE=explore python -m pytest).
settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True)
settings.register_profile("explore", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("RLX_HYPOTHESIS_PROFILE", "ci"))
