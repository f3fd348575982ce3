"""``python -m sync.central``: the same as ``posclient-central``."""

import sys

from sync.central.entry import main

sys.exit(main())
