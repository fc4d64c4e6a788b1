-- Postera: two database roles per service, with rights on its own schema alone (DESIGN.md §2).
--
-- Run once per database, as a superuser (or a role that is a member of every role below, as a
-- managed PostgreSQL's admin usually is), in the database the services use:
-- `psql -d postera -f roles.sql`. Idempotent: run it again after an upgrade. Passwords are not set
-- here (deploy/postgres/init-roles.sh sets them from the environment; a DBA may set them by hand):
-- the file holds no secret.
--
-- postera_<service>_owner, the owner: it runs the service's migrations (`node main.js migrate`) and
-- nothing else. It gets
--   * LOGIN, and CONNECT on this database;
--   * the service's schema, which it OWNS: it creates, alters and drops the tables, indexes,
--     functions and triggers in it;
--   * CREATE on this database, because the platform's migrate() runs `CREATE SCHEMA IF NOT EXISTS
--     <schema>` and PostgreSQL checks that right even when the schema exists. It lets the owner
--     create a new schema of its own, never reach into another's.
-- postera_<service>, the runtime role the service logs in as. It gets
--   * LOGIN, and CONNECT on this database (no CREATE);
--   * USAGE on its schema (no CREATE): it cannot create, alter or drop anything, nor disable a trigger;
--   * SELECT, INSERT, UPDATE, DELETE on the schema's tables and the use of its sequences, present and
--     future (default privileges of the owner); never TRUNCATE;
--   * on the append-only tables (the gateway's audit log and the record of its switch to MACs) only
--     SELECT and INSERT: the triggers refuse UPDATE and DELETE, and without the privilege the
--     runtime role is refused before any trigger runs; only the owner could disable them.
-- Both get search_path = the schema, and no USAGE on another service's schema, so every object there
-- is out of their reach (permission denied for schema …), whatever the grants on the objects.
--
-- accounting_service: the NOLOGIN role accounting's posting transactions write through
-- (`SET LOCAL ROLE`, JOURNAL_WRITER_ROLE). Its table grants come from accounting's migration
-- 1796000000000 (insert and read the journal, never update or delete it); it is created here because a
-- service role may not create roles, and postera_accounting is made a member so that it may SET ROLE.
--
-- Upgrading from one role per service (which owned its schema): the objects it owns in this
-- database are handed to the owner role (REASSIGN OWNED), then granted back as above.

SET client_min_messages = warning;

DO $$
DECLARE
  svc text;
  r text;
BEGIN
  FOREACH svc IN ARRAY ARRAY['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway', 'market_sim'] LOOP
    FOR r IN SELECT 'postera_' || svc || suffix FROM (VALUES ('_owner'), ('')) AS roles_of_service(suffix) LOOP
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', r);
      END IF;
      EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT', r);
      EXECUTE format('ALTER ROLE %I SET search_path = %I', r, svc);
    END LOOP;
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
  owner_role text;
  runtime_role text;
  t text;
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  FOREACH svc IN ARRAY ARRAY['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway', 'market_sim'] LOOP
    owner_role := 'postera_' || svc || '_owner';
    runtime_role := 'postera_' || svc;
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', current_database(), owner_role);
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), runtime_role);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), runtime_role);

    -- An upgrade: the runtime role owned the schema and everything its migrations made.
    IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = svc AND nspowner = runtime_role::regrole)
       OR EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = svc) AND relowner = runtime_role::regrole) THEN
      EXECUTE format('REASSIGN OWNED BY %I TO %I', runtime_role, owner_role);
    END IF;

    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc, owner_role);
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', svc, owner_role);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', svc);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', svc, runtime_role);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', svc, runtime_role);

    -- What the owner's migrations will create, and what they already created.
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', owner_role, svc, runtime_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', owner_role, svc, runtime_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', svc, runtime_role);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', svc, runtime_role);
  END LOOP;

  -- The append-only tables: insert and read, nothing more (their migrations revoke the same on a new database).
  FOREACH t IN ARRAY '{gateway.audit_log,gateway.audit_chain_scheme}'::text[] LOOP
    IF to_regclass(t) IS NOT NULL THEN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %s FROM postera_gateway', t);
    END IF;
  END LOOP;
END
$$;
