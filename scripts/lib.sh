# Shared by scripts/run and scripts/test: find a Python >= 3.12 and keep .venv in step with
# pyproject.toml. Sourced, not run.

HUB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$HUB_ROOT/.venv"

python_ok() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

# The first Python >= 3.12: $PYTHON, then python3.13/python3.12/python3 on PATH, then pyenv's.
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for candidate in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do
            if [ -x "$candidate" ] && python_ok "$candidate"; then
                echo "$candidate"
                return 0
            fi
        done
    fi
    echo "The hub needs Python 3.12 or newer; set PYTHON=/path/to/python3.12." >&2
    return 1
}

# ensure_venv EXTRAS: create .venv if needed and install the project (with "[EXTRAS]" when
# given); skipped when pyproject.toml has not changed since the last install.
ensure_venv() {
    local extras=${1:-} spec=. stamp python hash
    [ -n "$extras" ] && spec=".[$extras]"
    hash=$(sha256sum "$HUB_ROOT/pyproject.toml" | cut -c1-16)
    stamp="$VENV/.installed-$hash-${extras:-base}"
    # The dev install holds everything the base one does.
    [ -z "$extras" ] && [ -e "$VENV/.installed-$hash-dev" ] && stamp="$VENV/.installed-$hash-dev"
    if [ -x "$VENV/bin/python" ] && ! python_ok "$VENV/bin/python"; then
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        python=$(find_python)
        echo "Creating .venv with $("$python" --version)"
        "$python" -m venv "$VENV"
    fi
    if [ ! -e "$stamp" ]; then
        echo "Installing the hub's Python packages into .venv"
        local log="$VENV/pip-install.log"
        # pip's output only when it fails: it is long and mostly about the machine's indexes.
        if ! (cd "$HUB_ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check \
            -e "$spec") >"$log" 2>&1; then
            cat "$log" >&2
            echo "Installing the Python packages failed (the log is above)." >&2
            return 1
        fi
        rm -f "$VENV"/.installed-*
        touch "$stamp"
    fi
}
