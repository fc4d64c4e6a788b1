-- Postera: one database role per service, with rights on its own schema alone (DESIGN.md §2).
--
-- Run once per database, as a superuser (or a role with CREATEROLE that owns the database), in the
-- database the services use: `psql -d postera -f roles.sql`. Idempotent: run it again after an
-- upgrade. Passwords are not set here (deploy/postgres/init-roles.sh sets them from the
-- environment; a DBA may set them by hand): the file holds no secret.
--
-- What each role gets, and nothing more:
--   * LOGIN, and CONNECT on this database;
--   * its own schema, which it OWNS: it runs its own migrations (`node main.js migrate`), so it
--     creates, alters and drops the tables, indexes, functions and triggers in it;
--   * CREATE on this database, because the platform's migrate() runs `CREATE SCHEMA IF NOT EXISTS
--     <schema>` and PostgreSQL checks that right even when the schema exists. It lets a role create
--     a new schema of its own, never reach into another's;
--   * search_path = its schema.
-- It gets no USAGE on another service's schema, so every object there is out of its reach
-- (permission denied for schema …), whatever the grants on the objects.
--
-- accounting_service: the NOLOGIN role accounting's posting transactions write through
-- (`SET LOCAL ROLE`, JOURNAL_WRITER_ROLE). Its table grants come from accounting's migration
-- 1796000000000 (insert and read the journal, never update or delete it); it is created here because a
-- service role may not create roles, and postera_accounting is made a member so that it may SET ROLE.

SET client_min_messages = warning;

DO $$
DECLARE
  svc text;
BEGIN
  FOREACH svc IN ARRAY ARRAY['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway', 'market_sim'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postera_' || svc) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', 'postera_' || svc);
    END IF;
    EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT', 'postera_' || svc);
    EXECUTE format('ALTER ROLE %I SET search_path = %I', 'postera_' || svc, svc);
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'accounting_service') THEN
    CREATE ROLE accounting_service NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created meanwhile by a concurrent run: the next run completes the rest
END
$$;

GRANT accounting_service TO postera_accounting;

-- Hardening: nobody but the owner gets anything by default, neither in public nor on the database.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
DO $$
DECLARE
  svc text;
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  FOREACH svc IN ARRAY ARRAY['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway', 'market_sim'] LOOP
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', current_database(), 'postera_' || svc);
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc, 'postera_' || svc);
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', svc, 'postera_' || svc);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', svc);
  END LOOP;
END
$$;
