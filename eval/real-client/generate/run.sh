#!/usr/bin/env bash
# Regenerate eval/real-client (cases/*.log and cases.toml) with the real litellm client.
# Needs python3.11 and access to PyPI; the venv goes to ${TMPDIR:-/tmp}/errsig-real-client.
# Extra arguments go to run.py (e.g. --only 'proxy-' or --reinstall).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3.11 "$here/run.py" "$@"
