"""``python -m meedenken_kit.nameko_cli run --config config.yaml module`` is ``nameko`` with one known,
harmless warning filtered: eventlet's deprecation notice, printed by every nameko process
(stack-notes.md). Every other warning still shows, as a JSON log line (``py.warnings``) like
uncaught exceptions (meedenken_kit.logs.capture_stray_output)."""
import sys
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from nameko.cli import cli  # noqa: E402  (the filter must be in place before eventlet is imported)

from meedenken_kit.logs import capture_stray_output  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "nameko"
    capture_stray_output()
    sys.exit(cli())
