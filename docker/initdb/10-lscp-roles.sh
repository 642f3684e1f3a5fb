#!/bin/sh
# The database roles (docs/adr/0007-database-roles-and-rls.md), made by the postgres image's
# superuser on the database's first start (/docker-entrypoint-initdb.d): the owner, which owns
# the schema and runs migrations; the runtime role web, worker and beat log in as (owns nothing,
# cannot bypass row-level security, no DDL); the system role the runtime becomes to cross
# partnerships (never logs in). An existing database volume does not run this again: run it once
# by hand (`docker compose exec db sh /docker-entrypoint-initdb.d/10-lscp-roles.sh`).
set -eu
: "${POSTGRES_OWNER_PASSWORD:?set POSTGRES_OWNER_PASSWORD in .env}"
: "${POSTGRES_RUNTIME_PASSWORD:?set POSTGRES_PASSWORD in .env}"
owner=${POSTGRES_OWNER_USER:-lscp_owner}
runtime=${POSTGRES_RUNTIME_USER:-lscp_runtime}
system=${LSCP_DB_SYSTEM_ROLE:-lscp_system}

psql -v ON_ERROR_STOP=1 -q --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="$owner" -v runtime="$runtime" -v system="$system" -v db="$POSTGRES_DB" \
  -v owner_password="$POSTGRES_OWNER_PASSWORD" -v runtime_password="$POSTGRES_RUNTIME_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'owner', :'owner_password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I NOLOGIN NOINHERIT', :'system')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'system') \gexec
SELECT format('CREATE ROLE %I LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD %L',
              :'runtime', :'runtime_password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'runtime') \gexec
-- The runtime may SET ROLE to the system role, and inherits nothing from it.
GRANT :"system" TO :"runtime";
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"runtime";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
