"""Run every bench/bench_*.py, print one table and write bench/results.json.

Each benchmark is a script taking `--json PATH`, where it writes a list of
{"name", "value", "unit", "baseline", "baseline_value", "ratio"}; `ratio` compares ours with the baseline
measured in the same run, higher is better.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    results, failed = [], []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", file=sys.stderr)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            proc = subprocess.run([sys.executable, str(script), "--json", out.name], cwd=HERE.parent, check=False)
            if proc.returncode != 0:
                failed.append(script.name)
                continue
            results.extend(json.loads(Path(out.name).read_text()))
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(f"{'benchmark':<36} {'value':>18} {'baseline':>18} {'ratio':>7}")
    for r in results:
        print(f"{r['name']:<36} {r['value']:>11,} {r['unit']:<6} {r['baseline_value']:>11,} {r['unit']:<6} "
              f"{r['ratio']:>7.2f}")
    print(f"\nwritten to {HERE / 'results.json'}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
