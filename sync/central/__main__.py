"""``python -m sync.central``: the same as ``posclient-central``."""

import sys

from sync.central.cli import main

sys.exit(main())
