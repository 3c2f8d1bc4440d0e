"""``python -m rlx_envs``: the command line (see :mod:`rlx_envs.apps.cli`)."""

import sys

from rlx_envs.apps.cli import main

if __name__ == "__main__":
    sys.exit(main())
