import sys

from rehabtrack.cli import main

sys.exit(main())
