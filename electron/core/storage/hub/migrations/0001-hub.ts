import type { HubMigration } from '../types';

/**
 * The first hub schema (PostgreSQL 15+): organizations, members, business profiles, templates,
 * the usage ledger, sealed key shares and the deletion log, every table under row-level
 * security. See README.md in the storage folder ("The team hub") for the model.
 *
 * Identity is `session_user`: the login that authenticated. Inside a SECURITY DEFINER function
 * `current_user` is the function's owner, and `SET ROLE` cannot change `session_user`, so the
 * policies' helpers read it. Every SECURITY DEFINER function pins `search_path`, so a member
 * cannot shadow the objects it uses.
 *
 * Custom SQLSTATEs (class OH) let the client tell the reasons apart without parsing messages:
 * OH001 login already in an organization, OH002 organization exists, OH003 not an owner or
 * admin, OH004 the owner is protected, OH005 no such member, OH006 bad input, OH007 already a
 * member, OH008 you cannot remove yourself, OH009 may not set up organizations.
 */
export const hubMigration0001: HubMigration = {
  version: 1,
  name: 'hub',
  sql: String.raw`
CREATE SCHEMA outreach_hub;

-- The group every invited login joins: table privileges are granted to it, never to PUBLIC.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outreach_hub_member') THEN
    BEGIN
      CREATE ROLE outreach_hub_member NOLOGIN;
    EXCEPTION WHEN duplicate_object THEN NULL; -- another database of this cluster made it first
    END;
  END IF;
END $$;

CREATE TABLE outreach_hub.schema_version (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- One number per change, stamped by triggers; clients pull "changes after N".
CREATE SEQUENCE outreach_hub.change_seq;

CREATE TABLE outreach_hub.organizations (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  provider text NOT NULL CHECK (length(provider) BETWEEN 1 AND 40),
  settings jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
  version bigint NOT NULL DEFAULT 1,
  last_edit_id text,
  change_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outreach_hub.members (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  org_id text NOT NULL REFERENCES outreach_hub.organizations(id) ON DELETE CASCADE,
  login text NOT NULL UNIQUE,
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  -- X25519 public key, base64: what admins seal the organization's keys to.
  public_key text CHECK (public_key IS NULL OR public_key ~ '^[A-Za-z0-9+/]{43}=$'),
  version bigint NOT NULL DEFAULT 1,
  change_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, email)
);
CREATE INDEX members_org ON outreach_hub.members (org_id, change_seq);

-- Who was a member, so usage keeps a name after its author is removed.
CREATE TABLE outreach_hub.former_members (
  id text PRIMARY KEY,
  org_id text NOT NULL REFERENCES outreach_hub.organizations(id) ON DELETE CASCADE,
  email text NOT NULL,
  removed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outreach_hub.business_profiles (
  org_id text NOT NULL REFERENCES outreach_hub.organizations(id) ON DELETE CASCADE,
  id text NOT NULL CHECK (length(id) BETWEEN 1 AND 100),
  context jsonb NOT NULL CHECK (jsonb_typeof(context) = 'object'),
  deleted boolean NOT NULL DEFAULT false,
  version bigint NOT NULL DEFAULT 1,
  last_edit_id text,
  change_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);
CREATE INDEX business_profiles_changes ON outreach_hub.business_profiles (org_id, change_seq);

CREATE TABLE outreach_hub.templates (
  org_id text NOT NULL REFERENCES outreach_hub.organizations(id) ON DELETE CASCADE,
  id text NOT NULL CHECK (length(id) BETWEEN 1 AND 100),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  steps jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
  options jsonb,
  deleted boolean NOT NULL DEFAULT false,
  version bigint NOT NULL DEFAULT 1,
  last_edit_id text,
  change_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);
CREATE INDEX templates_changes ON outreach_hub.templates (org_id, change_seq);

-- The billing ledger. Append-only; idempotent by the id the desktop generated.
CREATE TABLE outreach_hub.usage_events (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  org_id text NOT NULL REFERENCES outreach_hub.organizations(id) ON DELETE CASCADE,
  member_id text NOT NULL,
  operation text NOT NULL CHECK (length(operation) <= 40),
  provider text NOT NULL CHECK (length(provider) <= 40),
  model text NOT NULL CHECK (length(model) <= 200),
  input_tokens bigint NOT NULL CHECK (input_tokens >= 0),
  output_tokens bigint NOT NULL CHECK (output_tokens >= 0),
  cached_input_tokens bigint NOT NULL CHECK (cached_input_tokens >= 0),
  cost_nano_usd bigint NOT NULL CHECK (cost_nano_usd >= 0),
  price_table text,
  latency_ms double precision NOT NULL CHECK (latency_ms >= 0),
  outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
  error_code text,
  request_id text,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_events_org_time ON outreach_hub.usage_events (org_id, created_at);

-- Spend per organization and month, kept by a trigger, so the budget check is one row.
CREATE TABLE outreach_hub.usage_monthly (
  org_id text NOT NULL REFERENCES outreach_hub.organizations(id) ON DELETE CASCADE,
  month date NOT NULL,
  calls bigint NOT NULL,
  cost_nano_usd bigint NOT NULL,
  PRIMARY KEY (org_id, month)
);

-- A provider key sealed (libsodium crypto_box_seal) to one member's public key. Never plaintext.
CREATE TABLE outreach_hub.key_shares (
  org_id text NOT NULL REFERENCES outreach_hub.organizations(id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (length(provider) BETWEEN 1 AND 40),
  member_id text NOT NULL REFERENCES outreach_hub.members(id) ON DELETE CASCADE,
  sealed text NOT NULL CHECK (sealed ~ '^[A-Za-z0-9+/]+=*$'),
  shared_by text NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  change_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, provider, member_id)
);
CREATE INDEX key_shares_changes ON outreach_hub.key_shares (org_id, change_seq);

-- Tombstones: a deleted member or key share, so clients can forget it.
CREATE TABLE outreach_hub.deletions (
  org_id text NOT NULL,
  kind text NOT NULL,
  row_id text NOT NULL,
  member_id text,
  change_seq bigint NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deletions_changes ON outreach_hub.deletions (org_id, change_seq);

-- Identity helpers for the policies. SECURITY DEFINER so a policy on members can read members
-- without recursing, and so a member cannot read the whole table to escalate.
CREATE FUNCTION outreach_hub.my_org_ids() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT org_id FROM outreach_hub.members WHERE login = session_user::text
$$;

CREATE FUNCTION outreach_hub.managed_org_ids() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT org_id FROM outreach_hub.members WHERE login = session_user::text AND role IN ('owner', 'admin')
$$;

CREATE FUNCTION outreach_hub.my_member_ids() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT id FROM outreach_hub.members WHERE login = session_user::text
$$;

CREATE FUNCTION outreach_hub.require_manager(p_org text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM outreach_hub.members WHERE org_id = p_org AND login = session_user::text AND role IN ('owner', 'admin')) THEN
    RAISE EXCEPTION 'only an owner or admin of this organization can do that' USING ERRCODE = 'OH003';
  END IF;
END $$;

-- Change stamping. The advisory lock serializes writers of one organization until they commit,
-- so within an organization the numbers are handed out in commit order and a client that saw
-- change N has seen every change before it.
CREATE FUNCTION outreach_hub.stamp_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  org text := coalesce(to_jsonb(NEW) ->> 'org_id', to_jsonb(NEW) ->> 'id');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('outreach_hub.changes:' || org));
  NEW.change_seq := nextval('outreach_hub.change_seq');
  NEW.updated_at := now();
  IF TG_OP = 'UPDATE' THEN
    NEW.version := OLD.version + 1;
  ELSE
    NEW.version := 1;
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION outreach_hub.record_deletion() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  old_row jsonb := to_jsonb(OLD);
  org text := coalesce(old_row ->> 'org_id', old_row ->> 'id');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('outreach_hub.changes:' || org));
  INSERT INTO outreach_hub.deletions (org_id, kind, row_id, member_id, change_seq)
  VALUES (
    org,
    TG_ARGV[0],
    CASE WHEN TG_ARGV[0] = 'key_share' THEN old_row ->> 'provider' ELSE old_row ->> 'id' END,
    CASE WHEN TG_ARGV[0] = 'key_share' THEN old_row ->> 'member_id' ELSE NULL END,
    nextval('outreach_hub.change_seq')
  );
  RETURN OLD;
END $$;

CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON outreach_hub.organizations FOR EACH ROW EXECUTE FUNCTION outreach_hub.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON outreach_hub.members FOR EACH ROW EXECUTE FUNCTION outreach_hub.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON outreach_hub.business_profiles FOR EACH ROW EXECUTE FUNCTION outreach_hub.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON outreach_hub.templates FOR EACH ROW EXECUTE FUNCTION outreach_hub.stamp_change();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON outreach_hub.key_shares FOR EACH ROW EXECUTE FUNCTION outreach_hub.stamp_change();
CREATE TRIGGER forget AFTER DELETE ON outreach_hub.members FOR EACH ROW EXECUTE FUNCTION outreach_hub.record_deletion('member');
CREATE TRIGGER forget AFTER DELETE ON outreach_hub.key_shares FOR EACH ROW EXECUTE FUNCTION outreach_hub.record_deletion('key_share');

-- The monthly rollup, from the rows a statement really inserted (ON CONFLICT DO NOTHING skips repeats).
CREATE FUNCTION outreach_hub.roll_up_usage() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO outreach_hub.usage_monthly AS m (org_id, month, calls, cost_nano_usd)
  SELECT org_id, date_trunc('month', created_at AT TIME ZONE 'UTC')::date, count(*), sum(cost_nano_usd)
  FROM inserted GROUP BY 1, 2
  ON CONFLICT (org_id, month) DO UPDATE SET calls = m.calls + excluded.calls, cost_nano_usd = m.cost_nano_usd + excluded.cost_nano_usd;
  RETURN NULL;
END $$;
CREATE TRIGGER roll_up AFTER INSERT ON outreach_hub.usage_events REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION outreach_hub.roll_up_usage();

-- Row-level security on every table.
ALTER TABLE outreach_hub.schema_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.members ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.former_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.business_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.usage_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.usage_monthly ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.key_shares ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_hub.deletions ENABLE ROW LEVEL SECURITY;

CREATE POLICY readable ON outreach_hub.schema_version FOR SELECT USING (true);

CREATE POLICY members_read ON outreach_hub.organizations FOR SELECT USING (id IN (SELECT outreach_hub.my_org_ids()));
CREATE POLICY managers_update ON outreach_hub.organizations FOR UPDATE
  USING (id IN (SELECT outreach_hub.managed_org_ids())) WITH CHECK (id IN (SELECT outreach_hub.managed_org_ids()));

CREATE POLICY members_read ON outreach_hub.members FOR SELECT USING (org_id IN (SELECT outreach_hub.my_org_ids()));
CREATE POLICY managers_read ON outreach_hub.former_members FOR SELECT USING (org_id IN (SELECT outreach_hub.managed_org_ids()));

CREATE POLICY members_read ON outreach_hub.business_profiles FOR SELECT USING (org_id IN (SELECT outreach_hub.my_org_ids()));
CREATE POLICY managers_insert ON outreach_hub.business_profiles FOR INSERT WITH CHECK (org_id IN (SELECT outreach_hub.managed_org_ids()));
CREATE POLICY managers_update ON outreach_hub.business_profiles FOR UPDATE
  USING (org_id IN (SELECT outreach_hub.managed_org_ids())) WITH CHECK (org_id IN (SELECT outreach_hub.managed_org_ids()));

CREATE POLICY members_read ON outreach_hub.templates FOR SELECT USING (org_id IN (SELECT outreach_hub.my_org_ids()));
CREATE POLICY managers_insert ON outreach_hub.templates FOR INSERT WITH CHECK (org_id IN (SELECT outreach_hub.managed_org_ids()));
CREATE POLICY managers_update ON outreach_hub.templates FOR UPDATE
  USING (org_id IN (SELECT outreach_hub.managed_org_ids())) WITH CHECK (org_id IN (SELECT outreach_hub.managed_org_ids()));

-- Usage: everyone inserts their own rows; owners and admins read the organization's, members their own.
CREATE POLICY own_insert ON outreach_hub.usage_events FOR INSERT
  WITH CHECK (member_id IN (SELECT outreach_hub.my_member_ids()) AND org_id IN (SELECT outreach_hub.my_org_ids()));
CREATE POLICY role_read ON outreach_hub.usage_events FOR SELECT
  USING (org_id IN (SELECT outreach_hub.managed_org_ids()) OR member_id IN (SELECT outreach_hub.my_member_ids()));

-- Key shares: a member reads their own copies; owners and admins write and read them all.
CREATE POLICY own_or_managed_read ON outreach_hub.key_shares FOR SELECT
  USING (member_id IN (SELECT outreach_hub.my_member_ids()) OR org_id IN (SELECT outreach_hub.managed_org_ids()));
CREATE POLICY managers_insert ON outreach_hub.key_shares FOR INSERT WITH CHECK (
  org_id IN (SELECT outreach_hub.managed_org_ids())
  AND member_id IN (SELECT m.id FROM outreach_hub.members m WHERE m.org_id = key_shares.org_id));
CREATE POLICY managers_update ON outreach_hub.key_shares FOR UPDATE
  USING (org_id IN (SELECT outreach_hub.managed_org_ids())) WITH CHECK (org_id IN (SELECT outreach_hub.managed_org_ids()));
CREATE POLICY managers_delete ON outreach_hub.key_shares FOR DELETE USING (org_id IN (SELECT outreach_hub.managed_org_ids()));

CREATE POLICY members_read ON outreach_hub.deletions FOR SELECT USING (org_id IN (SELECT outreach_hub.my_org_ids()));
-- usage_monthly has no policy: only the SECURITY DEFINER functions (its owner) read it.

-- Organizations and members change only through these functions.
CREATE FUNCTION outreach_hub.create_organization(p_id text, p_name text, p_provider text, p_settings jsonb, p_member_id text, p_email text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  existing record;
  owns_schema boolean := (SELECT n.nspowner = r.oid FROM pg_namespace n, pg_roles r WHERE n.nspname = 'outreach_hub' AND r.rolname = session_user);
BEGIN
  IF NOT coalesce((SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = session_user), false) AND NOT coalesce(owns_schema, false) THEN
    RAISE EXCEPTION 'this login may not set up an organization: it needs the CREATEROLE attribute' USING ERRCODE = 'OH009';
  END IF;
  SELECT * INTO existing FROM outreach_hub.members WHERE login = session_user::text;
  IF FOUND THEN
    IF existing.org_id = p_id AND existing.role = 'owner' THEN
      RETURN existing.id; -- a repeated init after a crash: nothing to do
    END IF;
    RAISE EXCEPTION 'this login already belongs to an organization on this hub' USING ERRCODE = 'OH001';
  END IF;
  IF EXISTS (SELECT 1 FROM outreach_hub.organizations WHERE id = p_id) THEN
    RAISE EXCEPTION 'this organization is already on the hub' USING ERRCODE = 'OH002';
  END IF;
  INSERT INTO outreach_hub.organizations (id, name, provider, settings) VALUES (p_id, p_name, p_provider, p_settings);
  INSERT INTO outreach_hub.members (id, org_id, login, email, role) VALUES (p_member_id, p_id, session_user::text, lower(p_email), 'owner');
  IF NOT pg_has_role(session_user, 'outreach_hub_member', 'USAGE') THEN
    EXECUTE format('GRANT outreach_hub_member TO %I', session_user);
  END IF;
  RETURN p_member_id;
END $$;

CREATE FUNCTION outreach_hub.my_membership()
RETURNS TABLE (member_id text, org_id text, org_name text, role text, email text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT m.id, m.org_id, o.name, m.role, m.email
  FROM outreach_hub.members m JOIN outreach_hub.organizations o ON o.id = m.org_id
  WHERE m.login = session_user::text
$$;

CREATE FUNCTION outreach_hub.invite_member(p_org text, p_member_id text, p_email text, p_role text, p_login text, p_verifier text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM outreach_hub.require_manager(p_org);
  IF p_role NOT IN ('admin', 'member') THEN
    RAISE EXCEPTION 'a new member is an admin or a member' USING ERRCODE = 'OH006';
  END IF;
  IF p_login !~ '^od_[a-z0-9_]{1,55}$' THEN
    RAISE EXCEPTION 'the login name is not valid' USING ERRCODE = 'OH006';
  END IF;
  -- Only a SCRAM verifier is accepted, so the plaintext password never reaches the server.
  IF p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' THEN
    RAISE EXCEPTION 'the password must be sent as a SCRAM-SHA-256 verifier' USING ERRCODE = 'OH006';
  END IF;
  IF EXISTS (SELECT 1 FROM outreach_hub.members WHERE org_id = p_org AND email = lower(p_email)) THEN
    RAISE EXCEPTION 'this address is already a member' USING ERRCODE = 'OH007';
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE outreach_hub_member', p_login, p_verifier);
  INSERT INTO outreach_hub.members (id, org_id, login, email, role) VALUES (p_member_id, p_org, p_login, lower(p_email), p_role);
  RETURN p_member_id;
END $$;

CREATE FUNCTION outreach_hub.set_member_role(p_org text, p_member_id text, p_role text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  target record;
BEGIN
  PERFORM outreach_hub.require_manager(p_org);
  SELECT * INTO target FROM outreach_hub.members WHERE id = p_member_id AND org_id = p_org;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such member' USING ERRCODE = 'OH005';
  END IF;
  IF target.role = 'owner' THEN
    RAISE EXCEPTION 'the owner''s role cannot be changed' USING ERRCODE = 'OH004';
  END IF;
  IF p_role NOT IN ('admin', 'member') THEN
    RAISE EXCEPTION 'a role is admin or member' USING ERRCODE = 'OH006';
  END IF;
  IF target.role <> p_role THEN
    UPDATE outreach_hub.members SET role = p_role WHERE id = p_member_id;
  END IF;
END $$;

CREATE FUNCTION outreach_hub.remove_member(p_org text, p_member_id text)
RETURNS text[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  target record;
  shared text[];
BEGIN
  PERFORM outreach_hub.require_manager(p_org);
  SELECT * INTO target FROM outreach_hub.members WHERE id = p_member_id AND org_id = p_org;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such member' USING ERRCODE = 'OH005';
  END IF;
  IF target.role = 'owner' THEN
    RAISE EXCEPTION 'the owner cannot be removed' USING ERRCODE = 'OH004';
  END IF;
  IF target.login = session_user::text THEN
    RAISE EXCEPTION 'you cannot remove yourself' USING ERRCODE = 'OH008';
  END IF;
  SELECT coalesce(array_agg(provider ORDER BY provider), '{}') INTO shared FROM outreach_hub.key_shares WHERE member_id = p_member_id;
  DELETE FROM outreach_hub.key_shares WHERE member_id = p_member_id;
  INSERT INTO outreach_hub.former_members (id, org_id, email) VALUES (target.id, target.org_id, target.email) ON CONFLICT (id) DO NOTHING;
  DELETE FROM outreach_hub.members WHERE id = p_member_id;
  -- End their open sessions where this hub's owner may (pg_signal_backend); either way the
  -- policies show a login without a membership nothing.
  BEGIN
    PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = target.login AND pid <> pg_backend_pid();
  EXCEPTION WHEN insufficient_privilege THEN NULL;
  END;
  EXECUTE format('DROP ROLE IF EXISTS %I', target.login);
  RETURN shared;
END $$;

CREATE FUNCTION outreach_hub.set_my_public_key(p_org text, p_public_key text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE outreach_hub.members SET public_key = p_public_key
  WHERE org_id = p_org AND login = session_user::text AND public_key IS DISTINCT FROM p_public_key;
END $$;

-- The organization's spend in a month, for the budget: members see the total, not the rows.
CREATE FUNCTION outreach_hub.org_month_spend(p_org text, p_month date)
RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce((SELECT cost_nano_usd FROM outreach_hub.usage_monthly WHERE org_id = p_org AND month = p_month), 0)
  WHERE p_org IN (SELECT org_id FROM outreach_hub.members WHERE login = session_user::text)
$$;

-- One round trip per sync: who I am now, the month's spend, and every change after the cursor.
-- SECURITY INVOKER: what it returns is what the row-level policies let this login read.
CREATE FUNCTION outreach_hub.pull(p_org text, p_since bigint, p_month date)
RETURNS jsonb LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  me record;
BEGIN
  SELECT id, role, email INTO me FROM outreach_hub.members WHERE org_id = p_org AND login = session_user::text;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('member', NULL);
  END IF;
  RETURN jsonb_build_object(
    'member', jsonb_build_object('id', me.id, 'role', me.role, 'email', me.email),
    'monthSpendNano', outreach_hub.org_month_spend(p_org, p_month)::text,
    'changes', coalesce((
      SELECT jsonb_agg(c.change ORDER BY c.seq) FROM (
        SELECT o.change_seq AS seq, jsonb_build_object('kind', 'org', 'id', o.id, 'seq', o.change_seq, 'version', o.version,
          'data', jsonb_build_object('name', o.name, 'provider', o.provider, 'settings', o.settings)) AS change
        FROM outreach_hub.organizations o WHERE o.id = p_org AND o.change_seq > p_since
        UNION ALL
        SELECT m.change_seq, jsonb_build_object('kind', 'member', 'id', m.id, 'seq', m.change_seq, 'version', m.version,
          'data', jsonb_build_object('login', m.login, 'email', m.email, 'role', m.role, 'publicKey', m.public_key, 'createdAt', m.created_at))
        FROM outreach_hub.members m WHERE m.org_id = p_org AND m.change_seq > p_since
        UNION ALL
        SELECT p.change_seq, jsonb_build_object('kind', 'profile', 'id', p.id, 'seq', p.change_seq, 'version', p.version, 'deleted', p.deleted,
          'data', jsonb_build_object('context', p.context, 'createdAt', p.created_at, 'updatedAt', p.updated_at))
        FROM outreach_hub.business_profiles p WHERE p.org_id = p_org AND p.change_seq > p_since
        UNION ALL
        SELECT t.change_seq, jsonb_build_object('kind', 'template', 'id', t.id, 'seq', t.change_seq, 'version', t.version, 'deleted', t.deleted,
          'data', jsonb_build_object('name', t.name, 'steps', t.steps, 'options', t.options, 'createdAt', t.created_at))
        FROM outreach_hub.templates t WHERE t.org_id = p_org AND t.change_seq > p_since
        UNION ALL
        SELECT k.change_seq, jsonb_build_object('kind', 'key_share', 'id', k.provider, 'seq', k.change_seq, 'version', k.version,
          'data', jsonb_build_object('sealed', k.sealed, 'sharedBy', k.shared_by))
        FROM outreach_hub.key_shares k WHERE k.org_id = p_org AND k.member_id = me.id AND k.change_seq > p_since
        UNION ALL
        SELECT d.change_seq, jsonb_build_object('kind', d.kind, 'id', d.row_id, 'seq', d.change_seq, 'deleted', true, 'memberId', d.member_id)
        FROM outreach_hub.deletions d WHERE d.org_id = p_org AND d.change_seq > p_since
          AND (d.kind <> 'key_share' OR d.member_id = me.id)
      ) c
    ), '[]'::jsonb)
  );
END $$;

-- Privileges: the group reads through the policies and writes only what the policies allow.
GRANT USAGE ON SCHEMA outreach_hub TO PUBLIC;
GRANT SELECT ON outreach_hub.schema_version TO PUBLIC;
GRANT SELECT ON outreach_hub.organizations, outreach_hub.members, outreach_hub.former_members, outreach_hub.business_profiles,
  outreach_hub.templates, outreach_hub.usage_events, outreach_hub.key_shares, outreach_hub.deletions TO outreach_hub_member;
GRANT UPDATE (name, provider, settings, last_edit_id) ON outreach_hub.organizations TO outreach_hub_member;
GRANT INSERT (org_id, id, context, deleted, last_edit_id), UPDATE (context, deleted, last_edit_id) ON outreach_hub.business_profiles TO outreach_hub_member;
GRANT INSERT (org_id, id, name, steps, options, deleted, last_edit_id), UPDATE (name, steps, options, deleted, last_edit_id) ON outreach_hub.templates TO outreach_hub_member;
GRANT INSERT (id, org_id, member_id, operation, provider, model, input_tokens, output_tokens, cached_input_tokens, cost_nano_usd,
  price_table, latency_ms, outcome, error_code, request_id, created_at) ON outreach_hub.usage_events TO outreach_hub_member;
GRANT INSERT (org_id, provider, member_id, sealed, shared_by), UPDATE (sealed, shared_by), DELETE ON outreach_hub.key_shares TO outreach_hub_member;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA outreach_hub FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outreach_hub.create_organization(text, text, text, jsonb, text, text), outreach_hub.my_membership() TO PUBLIC;
GRANT EXECUTE ON FUNCTION outreach_hub.my_org_ids(), outreach_hub.managed_org_ids(), outreach_hub.my_member_ids(),
  outreach_hub.require_manager(text), outreach_hub.invite_member(text, text, text, text, text, text),
  outreach_hub.set_member_role(text, text, text), outreach_hub.remove_member(text, text),
  outreach_hub.set_my_public_key(text, text), outreach_hub.org_month_spend(text, date), outreach_hub.pull(text, bigint, date)
  TO outreach_hub_member;
`,
};
