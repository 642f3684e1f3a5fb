#!/usr/bin/env bash
# `make test`: from a fresh Debian machine (as root) to the whole suite passing.
#  1. installs what is missing: Debian packages (PostgreSQL, Redis, Chromium, WeasyPrint's
#     libraries, a font, Node/npm), Python deps into .venv, front-end deps into node_modules,
#     the test identity provider into tests/support/oidc/node_modules;
#  2. starts PostgreSQL and Redis on loopback, on free ports, in a throwaway directory;
#  3. runs ruff, makemigrations --check, check --deploy (production settings), then pytest
#     against the real servers, which includes collectstatic under the production settings
#     (tests/test_production_static.py) and the API fuzz, whose figures are printed at the end
#     (or, with --bench, the benchmarks);
#  4. stops the servers and removes the directory, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=${1:-test}

say() { printf '\n==> %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
# 1. What the machine needs
need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need_pkgs+=(postgresql)
have redis-server || need_pkgs+=(redis-server)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
have npm || need_pkgs+=(nodejs npm)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need_pkgs+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need_pkgs+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi "dejavu\|liberation" || need_pkgs+=(fonts-dejavu-core)
python3 -c "import ensurepip, venv" 2>/dev/null || need_pkgs+=(python3-venv)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  say "Installing Debian packages: ${need_pkgs[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "Run as root to install ${need_pkgs[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

say "Python and front-end dependencies"
make --no-print-directory .venv/.dev assets
# The identity-provider tests' OpenID Connect provider (oidc-provider, from the npm registry; not
# part of the product), reinstalled when its lock file changes. Its tests fail, not skip, without it.
OIDC_DIR=tests/support/oidc
if [ ! "$OIDC_DIR/node_modules/.installed" -nt "$OIDC_DIR/package-lock.json" ]; then
  npm ci --prefix "$OIDC_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error
  touch "$OIDC_DIR/node_modules/.installed"
fi
export LSCP_REQUIRE_OIDC_PROVIDER=1
PY=$ROOT/.venv/bin/python

# ---------------------------------------------------------------------------------------------
# 2. Throwaway servers on loopback
WORK=$(mktemp -d /tmp/lscp-test.XXXXXX)
chmod 755 "$WORK"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

cleanup() {
  set +e
  [ -f "$WORK/pg/postmaster.pid" ] && as_pg "'$pg_bin/pg_ctl' -D '$WORK/pg' -m immediate stop" >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

say "Starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT in $WORK"
mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg"
as_pg "'$pg_bin/initdb' -D '$WORK/pg' -U postgres -A trust -E UTF8 --no-locale" >/dev/null
as_pg "'$pg_bin/pg_ctl' -D '$WORK/pg' -l '$WORK/pg/log' -w -o \"-h 127.0.0.1 -p $PG_PORT -k '$WORK/pg' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start" >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$WORK/redis.pid" \
  --dir "$WORK" --save '' --appendonly no --logfile "$WORK/redis.log"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

# The database roles production uses (docs/adr/0007-database-roles-and-rls.md): the owner, which
# creates and migrates the test databases, the runtime role each request runs as, held by
# row-level security, and the system role it becomes to cross partnerships. The run logs in as
# the owner (tests/conftest.py, lscp/settings/test.py).
"$pg_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<'SQL'
CREATE ROLE lscp_owner LOGIN CREATEDB NOSUPERUSER;
CREATE DATABASE lscp OWNER lscp_owner;
CREATE ROLE lscp_system NOLOGIN NOINHERIT;
CREATE ROLE lscp_runtime LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
GRANT lscp_system TO lscp_runtime;
GRANT lscp_runtime, lscp_system TO lscp_owner;
SQL
export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$PG_PORT POSTGRES_USER=lscp_owner POSTGRES_DB=lscp
export LSCP_DB_RUNTIME_ROLE=lscp_runtime LSCP_DB_SYSTEM_ROLE=lscp_system
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export LSCP_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"
export LSCP_CHROMIUM=/usr/bin/chromium

# ---------------------------------------------------------------------------------------------
# 3. Checks and the suite
if [ "$MODE" = "--bench" ]; then
  say "Benchmarks"
  # Migrations as the owner; the bench then runs as the runtime role in system scope, as the
  # sweep does in a worker.
  LSCP_DB_AS_OWNER=1 DJANGO_SETTINGS_MODULE=lscp.settings.test "$PY" manage.py migrate --noinput -v0
  DJANGO_SETTINGS_MODULE=lscp.settings.test "$PY" manage.py bench
  exit 0
fi

say "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

say "Migrations match the models"
DJANGO_SETTINGS_MODULE=lscp.settings.test "$PY" manage.py makemigrations --check --dry-run

say "Production settings pass check --deploy"
DJANGO_SETTINGS_MODULE=lscp.settings.production \
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))') \
DJANGO_ALLOWED_HOSTS=lscp.example.org \
  "$PY" manage.py check --deploy --fail-level WARNING

say "pytest (PostgreSQL, Redis, Chromium)"
# --dist loadscope: each module's tests run on one worker, so a module's costly fixtures (a crawl
# of every page, the demo, two full partnerships) are built once, not once per worker; modules with
# the most tests are handed out first. (loadgroup would pick modules, but pytest-xdist 3.8 sets the
# group on item._nodeid, which pytest 9 no longer reads: it does nothing.)
# The API fuzz (tests/suites/test_api_fuzz.py) writes its figures here; they are printed after the run.
export LSCP_FUZZ_REPORT="$WORK/api-fuzz.txt"
status=0
DJANGO_SETTINGS_MODULE=lscp.settings.test "$PY" -m pytest -n 2 --dist loadscope "${@:2}" || status=$?
if [ -s "$LSCP_FUZZ_REPORT" ]; then
  say "Schema-driven API fuzz"
  cat "$LSCP_FUZZ_REPORT"
fi
exit "$status"
