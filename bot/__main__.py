"""`python -m bot` is the `policybot` command."""

import sys

from bot.cli import main

sys.exit(main())
