#!/usr/bin/env python
"""Django's command-line utility for the workflows node."""

import os
import sys
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(NODE_DIR), str(NODE_DIR.parent)]  # the node, then distributed_core and contracts

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflows_project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
