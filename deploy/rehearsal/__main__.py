"""`python -m rehearsal` from deploy/ (manage_all.py rehearse calls `main` itself)."""

import sys
from pathlib import Path

from . import main

sys.exit(main(Path(__file__).resolve().parents[2], sys.argv[1:]))
