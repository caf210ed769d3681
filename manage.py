#!/usr/bin/env python
"""Django's command-line utility (the ``jointly`` command wraps the same thing)."""

from jointly.cli import main

if __name__ == "__main__":
    main()
