"""`make audit`: pip-audit over the pinned set (constraints.txt) against PyPI's vulnerability data.

Fails (exit 1) on a known vulnerability. Where the vulnerability data cannot be reached (an offline
machine, a registry mirror without PyPI's JSON API), it says what could not be audited and exits 0:
such a run proves nothing, it only does not block (docs/security.md, V14.2)."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        run = subprocess.run([str(PIP_AUDIT), "-r", str(ROOT / "constraints.txt"), "--no-deps", "--disable-pip",
                              "--progress-spinner", "off", "--format", "json", "--output", str(report)],
                             capture_output=True, text=True, timeout=600)
        if not report.exists() or not report.read_text().strip():
            print("make audit: the vulnerability data could not be reached (offline?); nothing was audited.")
            print(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "")
            return 0
        dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for d in vulnerable:
        for v in d["vulns"]:
            print(f"VULNERABLE {d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or '-'})")
    audited = len(dependencies) - len(skipped)
    print(f"make audit: {audited} of {len(dependencies)} pinned packages audited, {len(vulnerable)} vulnerable.")
    if skipped:
        print(f"not audited (no vulnerability data reachable for them): {', '.join(d['name'] for d in skipped)}")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
