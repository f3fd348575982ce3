"""The frozen till's entry point: the same ``posclient`` command as the pip-installed one."""

from posclient.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
