#!/usr/bin/env python3
"""microsite, a static site generator for multilingual event microsites: `python build.py --help` lists the commands."""

import sys
from pathlib import Path

from microsite.cli import main

if __name__ == "__main__":
    sys.exit(main(default_project=Path(__file__).resolve().parent))
