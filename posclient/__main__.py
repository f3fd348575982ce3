"""``python -m posclient``: the same as the ``posclient`` command."""

from posclient.cli import main

raise SystemExit(main())
