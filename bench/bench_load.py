"""`make bench` entry for the load benchmark (bench/load.py): applicants and caseworkers against gunicorn."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import main  # noqa: E402

if __name__ == "__main__":
    main()
