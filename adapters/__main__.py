"""`python -m adapters` is the `policybot` command."""

import sys

from adapters.cli import main

sys.exit(main())
