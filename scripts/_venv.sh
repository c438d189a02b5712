# Shared by scripts/run and scripts/test: create ./.venv and install the project into it,
# again only when pyproject.toml has changed since the last install.
# Each step says what it is doing, as the first install takes a minute or two: on a terminal pip
# shows its own progress (each package as it is collected and installed); in a log it stays quiet.
venv_step() { printf '==> %s\n' "$*"; }

ensure_venv() {
  local extra="${1:-}"
  local python="${PYTHON:-python3}"
  local quiet="--quiet"
  [ -t 1 ] && quiet=""
  if [ ! -x .venv/bin/python ]; then
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
      || { echo "trustdesk needs Python 3.11 or newer (found $("$python" --version 2>&1))" >&2; exit 1; }
    venv_step "Creating the virtual environment in .venv (first run only)"
    "$python" -m venv .venv
    venv_step "Updating pip in .venv"
    .venv/bin/python -m pip install $quiet --upgrade pip
  fi
  local stamp=".venv/.installed-${extra:-base}-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    local started=$SECONDS
    venv_step "Installing trustdesk${extra:+ with [$extra]} and its dependencies into .venv (a minute or two the first time; again only when pyproject.toml changes)"
    .venv/bin/python -m pip install $quiet -e ".${extra:+[$extra]}"
    rm -f .venv/.installed-"${extra:-base}"-*
    touch "$stamp"
    venv_step "Installed in $((SECONDS - started)) s"
  fi
}
