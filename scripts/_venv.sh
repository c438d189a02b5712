# Shared by scripts/run and scripts/test: create ./.venv and install the project into it,
# again only when pyproject.toml has changed since the last install.
ensure_venv() {
  local extra="${1:-}"
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || { echo "trustdesk needs Python 3.11 or newer (found $("$python" --version 2>&1))" >&2; exit 1; }
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  local stamp=".venv/.installed-${extra:-base}-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing trustdesk${extra:+ with [$extra]} into .venv …"
    .venv/bin/python -m pip install --quiet -e ".${extra:+[$extra]}"
    rm -f .venv/.installed-"${extra:-base}"-*
    touch "$stamp"
  fi
}
