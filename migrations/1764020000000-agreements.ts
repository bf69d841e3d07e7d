import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Co-operation agreements (docs/access-rules.md; README, Co-operation agreements).
 *
 * An agreement is between two or more councils, its parties. Its terms live in numbered
 * versions; each version is decided by every party (in rounds: a decline sends the version
 * back to draft and the next submission opens a new round) and signed by every party. Only
 * parties (and platform admins) see an agreement and everything under it; only the
 * initiating council's officers and admins change draft terms; each party's council admins
 * decide and sign for that party only. The database states each rule by itself, so a wrong
 * CASL rule or a service bug still cannot:
 *   - show an agreement to a council that is not a party (read policies);
 *   - record a decision or a signature for another council (insert policies);
 *   - change frozen terms, decide a version that is not in approval, sign one that is not
 *     approved, or move an agreement or a version along a path the lifecycle lacks, or to
 *     `approved`/`active`/`in_force` before every party approved/signed (triggers, JW409).
 * Decisions, signatures and reviews are never updated or deleted. Who recorded them is set
 * by the database from the proven settings, with `recorded_by_platform_admin` when a
 * platform admin acted for a party.
 */
export class Agreements1764020000000 implements MigrationInterface {
  name = 'Agreements1764020000000';

  async up(db: QueryRunner): Promise<void> {
    await this.tables(db);
    await this.rules(db);
    await this.security(db);
    // Rows without an id of their own (versions, parties, links) are audited under their agreement.
    for (const [table, owner] of [
      ['agreements', 'initiating_council_id'],
      ['agreement_parties', 'council_id'],
      ['agreement_versions', '-'],
      ['agreement_contributions', 'council_id'],
      ['agreement_decisions', 'council_id'],
      ['agreement_signatures', 'council_id'],
      ['agreement_reviews', '-'],
      ['agreement_workstreams', '-'],
      ['agreement_documents', '-'],
    ]) {
      await db.query(
        `CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_row('${owner}', 'agreement_id')`,
      );
    }
  }

  private async tables(db: QueryRunner): Promise<void> {
    const text = (column: string, max: number, nullable = false) =>
      `${column} text ${nullable ? '' : 'NOT NULL'} CHECK (length(btrim(${column})) BETWEEN 1 AND ${max})`;
    await db.query(`
      CREATE TABLE agreements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ${text('reference', 100)},
        initiating_council_id uuid NOT NULL REFERENCES councils (id),
        partnership_id uuid REFERENCES partnerships (id),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'in_approval', 'approved', 'active', 'under_review', 'ended')),
        latest_version integer NOT NULL DEFAULT 1 CHECK (latest_version >= 1),
        current_version integer CHECK (current_version BETWEEN 1 AND latest_version),
        start_date date,
        next_review_on date,
        end_date date,
        ended_on date,
        end_kind text CHECK (end_kind IN ('expired', 'terminated')),
        end_reason text CHECK (length(end_reason) <= 2000),
        ended_by_council_id uuid REFERENCES councils (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (initiating_council_id, reference),
        CHECK ((status = 'ended') = (ended_on IS NOT NULL AND end_kind IS NOT NULL)),
        CHECK (status NOT IN ('active', 'under_review', 'ended') OR current_version IS NOT NULL),
        CHECK (end_kind <> 'terminated' OR (end_reason IS NOT NULL AND ended_by_council_id IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX agreements_list ON agreements (reference, id)`);
    await db.query(
      `CREATE INDEX agreements_due ON agreements (next_review_on) WHERE status = 'active'`,
    );
    await db.query(
      `CREATE INDEX agreements_ending ON agreements (end_date) WHERE status IN ('active', 'under_review')`,
    );
    await db.query(`
      CREATE TABLE agreement_parties (
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        council_id uuid NOT NULL REFERENCES councils (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agreement_id, council_id)
      )`);
    await db.query(`CREATE INDEX agreement_parties_council ON agreement_parties (council_id)`);
    await db.query(`
      CREATE TABLE agreement_versions (
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        number integer NOT NULL CHECK (number >= 1),
        ${text('title', 300)},
        summary text CHECK (length(summary) <= 20000),
        purposes text[] NOT NULL CHECK (cardinality(purposes) BETWEEN 1 AND 50),
        legal_basis text[] NOT NULL CHECK (cardinality(legal_basis) BETWEEN 1 AND 20),
        review_date date,
        end_date date CHECK (end_date > review_date),
        change_note text CHECK (length(change_note) <= 2000),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'in_approval', 'approved', 'in_force', 'superseded')),
        round integer NOT NULL DEFAULT 0,
        submitted_at timestamptz,
        approved_at timestamptz,
        in_force_from date,
        superseded_at timestamptz,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agreement_id, number)
      )`);
    await db.query(`
      CREATE TABLE agreement_contributions (
        agreement_id uuid NOT NULL,
        version_number integer NOT NULL,
        council_id uuid NOT NULL,
        amount_pence bigint CHECK (amount_pence BETWEEN 0 AND 100000000000000),
        description text CHECK (length(description) <= 500),
        PRIMARY KEY (agreement_id, version_number, council_id),
        FOREIGN KEY (agreement_id, version_number) REFERENCES agreement_versions (agreement_id, number),
        FOREIGN KEY (agreement_id, council_id) REFERENCES agreement_parties (agreement_id, council_id)
      )`);
    const recorded = `recorded_by uuid, recorded_by_platform_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()`;
    await db.query(`
      CREATE TABLE agreement_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agreement_id uuid NOT NULL,
        version_number integer NOT NULL,
        round integer NOT NULL,
        council_id uuid NOT NULL,
        decision text NOT NULL CHECK (decision IN ('approved', 'declined')),
        ${text('decision_body', 200)},
        ${text('decision_maker', 200, true)},
        decided_on date NOT NULL,
        ${text('reference', 100, true)},
        reason text CHECK (length(reason) <= 2000),
        ${recorded},
        CHECK (decision = 'approved' OR length(btrim(reason)) > 0),
        UNIQUE (agreement_id, version_number, round, council_id),
        FOREIGN KEY (agreement_id, version_number) REFERENCES agreement_versions (agreement_id, number),
        FOREIGN KEY (agreement_id, council_id) REFERENCES agreement_parties (agreement_id, council_id)
      )`);
    await db.query(`
      CREATE TABLE agreement_signatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agreement_id uuid NOT NULL,
        version_number integer NOT NULL,
        council_id uuid NOT NULL,
        ${text('signatory_name', 200)},
        ${text('signatory_role', 200)},
        signed_on date NOT NULL,
        ${recorded},
        UNIQUE (agreement_id, version_number, council_id),
        FOREIGN KEY (agreement_id, version_number) REFERENCES agreement_versions (agreement_id, number),
        FOREIGN KEY (agreement_id, council_id) REFERENCES agreement_parties (agreement_id, council_id)
      )`);
    await db.query(`
      CREATE TABLE agreement_reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        council_id uuid,
        reviewed_on date NOT NULL,
        ${text('outcome', 5000)},
        next_review_on date CHECK (next_review_on > reviewed_on),
        ${recorded}
      )`);
    await db.query(
      `CREATE INDEX agreement_reviews_list ON agreement_reviews (agreement_id, created_at)`,
    );
    await db.query(`
      CREATE TABLE agreement_workstreams (
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agreement_id, workstream_id)
      )`);
    await db.query(`
      CREATE TABLE agreement_documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agreement_id uuid NOT NULL,
        version_number integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('signed_agreement', 'appendix', 'other')),
        ${text('file_name', 200)},
        content_type text NOT NULL CHECK (content_type IN ('application/pdf',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),
        size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 20971520),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        council_id uuid,
        ${recorded},
        FOREIGN KEY (agreement_id, version_number) REFERENCES agreement_versions (agreement_id, number)
      )`);
    await db.query(
      `CREATE INDEX agreement_documents_list ON agreement_documents (agreement_id, version_number, created_at, id)`,
    );
    // The bytes, apart from what lists and the audit read (src/agreements/document-store.ts).
    await db.query(`
      CREATE TABLE agreement_document_contents (
        document_id uuid PRIMARY KEY REFERENCES agreement_documents (id),
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        content bytea NOT NULL
      )`);
    for (const table of ['agreements', 'agreement_versions']) {
      await db.query(
        `CREATE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
      );
    }
  }

  private async rules(db: QueryRunner): Promise<void> {
    const rule = `LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp`;
    // Who recorded a decision, signature, review or document: the proven settings, never the client.
    await db.query(`
      CREATE FUNCTION agreement_recorded() RETURNS trigger ${rule} AS $$
      BEGIN
        NEW.recorded_by := (SELECT app_user_id());
        NEW.recorded_by_platform_admin := (SELECT app_is_platform_admin());
        NEW.created_at := now();
        RETURN NEW;
      END $$`);
    for (const table of [
      'agreement_decisions',
      'agreement_signatures',
      'agreement_reviews',
      'agreement_documents',
    ]) {
      await db.query(`
        CREATE TRIGGER ${table}_recorded BEFORE INSERT ON ${table}
        FOR EACH ROW EXECUTE FUNCTION agreement_recorded()`);
    }
    // Every party approved (or signed) the version: what `approved`, `active` and `in_force` need.
    await db.query(`
      CREATE FUNCTION agreement_all_parties(p_agreement_id uuid, p_version integer, p_round integer, p_signed boolean)
      RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT NOT EXISTS (
          SELECT 1 FROM agreement_parties p WHERE p.agreement_id = p_agreement_id
             AND NOT CASE WHEN p_signed THEN EXISTS (
                   SELECT 1 FROM agreement_signatures s WHERE s.agreement_id = p.agreement_id
                      AND s.council_id = p.council_id AND s.version_number = p_version)
                 ELSE EXISTS (
                   SELECT 1 FROM agreement_decisions d WHERE d.agreement_id = p.agreement_id
                      AND d.council_id = p.council_id AND d.version_number = p_version
                      AND d.round = p_round AND d.decision = 'approved') END)
        AND (SELECT count(*) FROM agreement_parties p WHERE p.agreement_id = p_agreement_id) >= 2 $$`);
    await db.query(`
      CREATE FUNCTION agreement_versions_lifecycle() RETURNS trigger ${rule} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'a version starts as a draft' USING ERRCODE = 'JW409';
          END IF;
          NEW.round := 0; NEW.created_by := (SELECT app_user_id());
          RETURN NEW;
        END IF;
        IF (NEW.title, NEW.summary, NEW.purposes, NEW.legal_basis, NEW.review_date, NEW.end_date, NEW.change_note)
           IS DISTINCT FROM (OLD.title, OLD.summary, OLD.purposes, OLD.legal_basis, OLD.review_date, OLD.end_date, OLD.change_note)
           AND OLD.status <> 'draft' THEN
          RAISE EXCEPTION 'the terms of version % are frozen once submitted; amend the agreement instead', OLD.number
            USING ERRCODE = 'JW409';
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status THEN
          IF OLD.status = 'draft' AND NEW.status = 'in_approval' THEN
            NEW.round := OLD.round + 1; NEW.submitted_at := now();
          ELSIF OLD.status = 'in_approval' AND NEW.status = 'approved' THEN
            IF NOT agreement_all_parties(OLD.agreement_id, OLD.number, OLD.round, false) THEN
              RAISE EXCEPTION 'version % is approved only once every party has approved it', OLD.number USING ERRCODE = 'JW409';
            END IF;
            NEW.approved_at := now();
          ELSIF OLD.status = 'in_approval' AND NEW.status = 'draft' THEN
            IF NOT EXISTS (SELECT 1 FROM agreement_decisions d WHERE d.agreement_id = OLD.agreement_id
                              AND d.version_number = OLD.number AND d.round = OLD.round AND d.decision = 'declined') THEN
              RAISE EXCEPTION 'version % returns to draft only when a party declines it', OLD.number USING ERRCODE = 'JW409';
            END IF;
          ELSIF OLD.status = 'approved' AND NEW.status = 'in_force' THEN
            IF NOT agreement_all_parties(OLD.agreement_id, OLD.number, OLD.round, true) THEN
              RAISE EXCEPTION 'version % comes into force only once every party has signed it', OLD.number USING ERRCODE = 'JW409';
            END IF;
          ELSIF OLD.status IN ('approved', 'in_force') AND NEW.status = 'superseded' THEN
            IF NOT EXISTS (SELECT 1 FROM agreement_versions v WHERE v.agreement_id = OLD.agreement_id
                              AND v.number > OLD.number AND v.status IN ('in_approval', 'approved')) THEN
              RAISE EXCEPTION 'version % is superseded only by a newer version on its way', OLD.number
                USING ERRCODE = 'JW409';
            END IF;
            NEW.superseded_at := now();
          ELSE
            RAISE EXCEPTION 'a version does not move from % to %', OLD.status, NEW.status USING ERRCODE = 'JW409';
          END IF;
        ELSIF NEW.round IS DISTINCT FROM OLD.round THEN
          RAISE EXCEPTION 'a version''s round moves only with its submission' USING ERRCODE = 'JW409';
        END IF;
        IF NEW.in_force_from IS DISTINCT FROM OLD.in_force_from AND NOT (OLD.status = 'approved' AND NEW.status = 'in_force')
           OR (NEW.status = 'in_force' AND OLD.status = 'approved' AND NEW.in_force_from IS DISTINCT FROM (
                SELECT max(s.signed_on) FROM agreement_signatures s
                 WHERE s.agreement_id = OLD.agreement_id AND s.version_number = OLD.number)) THEN
          RAISE EXCEPTION 'a version is in force from its last signature' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER agreement_versions_lifecycle BEFORE INSERT OR UPDATE ON agreement_versions
      FOR EACH ROW EXECUTE FUNCTION agreement_versions_lifecycle()`);
    await db.query(`
      CREATE FUNCTION agreements_lifecycle() RETURNS trigger ${rule} AS $$
      DECLARE
        latest agreement_versions%ROWTYPE;
        platform boolean := coalesce((SELECT app_is_platform_admin()), false);
        party_admin boolean := coalesce((SELECT app_is_platform_admin()) OR (SELECT app_role()) = 'council_admin', false);
        today date := (now() AT TIME ZONE 'Europe/London')::date;
        moving boolean := NEW.status IS DISTINCT FROM OLD.status;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.status <> 'draft' OR NEW.latest_version <> 1 OR NEW.current_version IS NOT NULL THEN
            RAISE EXCEPTION 'an agreement starts as a draft of version 1' USING ERRCODE = 'JW409';
          END IF;
          RETURN NEW;
        END IF;
        IF OLD.status = 'ended' THEN
          RAISE EXCEPTION 'an ended agreement does not change' USING ERRCODE = 'JW409';
        END IF;
        IF (NEW.reference, NEW.partnership_id, NEW.initiating_council_id)
           IS DISTINCT FROM (OLD.reference, OLD.partnership_id, OLD.initiating_council_id) THEN
          IF OLD.status <> 'draft' OR NEW.initiating_council_id IS DISTINCT FROM OLD.initiating_council_id THEN
            RAISE EXCEPTION 'an agreement''s reference and partnership change only while it is a draft' USING ERRCODE = 'JW409';
          END IF;
          IF NOT app_initiates_agreement(OLD.id) THEN
            RAISE EXCEPTION 'only the initiating council changes the terms' USING ERRCODE = '42501';
          END IF;
        END IF;
        -- A new version is the next number, put to the parties by the initiating council.
        IF NEW.latest_version IS DISTINCT FROM OLD.latest_version THEN
          IF NEW.latest_version <> OLD.latest_version + 1 OR NOT EXISTS (
               SELECT 1 FROM agreement_versions v WHERE v.agreement_id = NEW.id AND v.number = NEW.latest_version
                  AND v.status = 'in_approval') THEN
            RAISE EXCEPTION 'a new version is the next number, in approval' USING ERRCODE = 'JW409';
          END IF;
          IF NOT app_initiates_agreement(OLD.id) THEN
            RAISE EXCEPTION 'only the initiating council amends the terms' USING ERRCODE = '42501';
          END IF;
        END IF;
        SELECT * INTO latest FROM agreement_versions WHERE agreement_id = NEW.id AND number = NEW.latest_version;
        IF moving THEN
          IF NOT ((OLD.status, NEW.status) IN (('draft', 'in_approval'), ('in_approval', 'approved'),
                  ('in_approval', 'draft'), ('approved', 'active'), ('approved', 'in_approval'),
                  ('active', 'under_review'), ('under_review', 'active'), ('active', 'ended'),
                  ('under_review', 'ended'))) THEN
            RAISE EXCEPTION 'an agreement does not move from % to %', OLD.status, NEW.status USING ERRCODE = 'JW409';
          END IF;
          -- Before anything is in force, the agreement's status is its latest version's.
          IF NEW.status IN ('draft', 'in_approval', 'approved') AND latest.status IS DISTINCT FROM NEW.status THEN
            RAISE EXCEPTION 'the agreement is % only while its version % is', NEW.status, NEW.latest_version USING ERRCODE = 'JW409';
          END IF;
          IF NEW.status = 'active' AND OLD.status = 'approved' AND latest.status IS DISTINCT FROM 'in_force' THEN
            RAISE EXCEPTION 'the agreement is active only once every party has signed it' USING ERRCODE = 'JW409';
          END IF;
          IF NEW.status = 'under_review' AND NOT party_admin THEN
            RAISE EXCEPTION 'only a council admin of a party, or the job queue, opens a review' USING ERRCODE = '42501';
          END IF;
          IF NEW.status = 'active' AND OLD.status = 'under_review' AND NOT EXISTS (
               SELECT 1 FROM agreement_reviews r WHERE r.agreement_id = NEW.id AND r.created_at = now()) THEN
            RAISE EXCEPTION 'an agreement under review returns to active with a recorded review' USING ERRCODE = 'JW409';
          END IF;
          IF NEW.status = 'ended' AND NEW.end_kind = 'terminated' AND NOT platform
             AND ((SELECT app_role()) IS DISTINCT FROM 'council_admin'
                  OR NEW.ended_by_council_id IS DISTINCT FROM (SELECT app_council_id())) THEN
            RAISE EXCEPTION 'only a council admin of a party terminates an agreement, for that party' USING ERRCODE = '42501';
          END IF;
          IF NEW.status = 'ended' AND NEW.end_kind = 'expired' AND NOT coalesce(
               platform AND NEW.end_date IS NOT DISTINCT FROM OLD.end_date AND OLD.end_date < today
               AND NEW.ended_on = OLD.end_date AND NEW.ended_by_council_id IS NULL, false) THEN
            RAISE EXCEPTION 'an agreement expires on its end date, once it has passed, by the job queue' USING ERRCODE = 'JW409';
          END IF;
        ELSIF (NEW.ended_on, NEW.end_kind, NEW.end_reason, NEW.ended_by_council_id)
              IS DISTINCT FROM (OLD.ended_on, OLD.end_kind, OLD.end_reason, OLD.ended_by_council_id) THEN
          RAISE EXCEPTION 'an agreement''s ending is recorded when it ends' USING ERRCODE = 'JW409';
        END IF;
        -- Dates move with the lifecycle only: activation, a recorded review, a version in force.
        IF (NEW.start_date, NEW.next_review_on, NEW.end_date) IS DISTINCT FROM (OLD.start_date, OLD.next_review_on, OLD.end_date)
           AND NEW.current_version IS NOT DISTINCT FROM OLD.current_version
           AND NOT (OLD.status = 'under_review' AND NEW.status = 'active'
                    AND (NEW.start_date, NEW.end_date) IS NOT DISTINCT FROM (OLD.start_date, OLD.end_date)) THEN
          RAISE EXCEPTION 'an agreement''s dates change with its lifecycle: activation, a review or a version in force'
            USING ERRCODE = 'JW409';
        END IF;
        IF NEW.current_version IS DISTINCT FROM OLD.current_version AND NOT EXISTS (
             SELECT 1 FROM agreement_versions v WHERE v.agreement_id = NEW.id AND v.number = NEW.current_version
                AND v.status = 'in_force') THEN
          RAISE EXCEPTION 'the version in force is one every party signed' USING ERRCODE = 'JW409';
        END IF;
        IF NEW.current_version IS DISTINCT FROM OLD.current_version AND (
             NEW.start_date IS DISTINCT FROM coalesce(OLD.start_date, (
               SELECT v.in_force_from FROM agreement_versions v WHERE v.agreement_id = NEW.id AND v.number = NEW.current_version))
             OR NEW.end_date IS DISTINCT FROM (SELECT v.end_date FROM agreement_versions v
                                                WHERE v.agreement_id = NEW.id AND v.number = NEW.current_version)) THEN
          RAISE EXCEPTION 'a version in force brings its own end date, and the start date stays' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER agreements_lifecycle BEFORE INSERT OR UPDATE ON agreements
      FOR EACH ROW EXECUTE FUNCTION agreements_lifecycle()`);
    // Parties and contributions change only with draft terms.
    await db.query(`
      CREATE FUNCTION agreement_terms_draft() RETURNS trigger ${rule} AS $$
      DECLARE row record := coalesce(NEW, OLD);
      BEGIN
        IF TG_TABLE_NAME = 'agreement_parties' THEN
          IF (SELECT status FROM agreements WHERE id = row.agreement_id) IS DISTINCT FROM 'draft' THEN
            RAISE EXCEPTION 'the parties change only while the agreement is a draft' USING ERRCODE = 'JW409';
          END IF;
        ELSIF (SELECT status FROM agreement_versions WHERE agreement_id = row.agreement_id
                  AND number = row.version_number) IS DISTINCT FROM 'draft' THEN
          RAISE EXCEPTION 'contributions change only while their version is a draft' USING ERRCODE = 'JW409';
        END IF;
        RETURN row;
      END $$`);
    for (const table of ['agreement_parties', 'agreement_contributions']) {
      await db.query(`
        CREATE TRIGGER ${table}_draft BEFORE INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION agreement_terms_draft()`);
    }
    // A decision is on the version in approval, in its current round; a signature on an
    // approved version.
    await db.query(`
      CREATE FUNCTION agreement_acts_on_version() RETURNS trigger ${rule} AS $$
      DECLARE v agreement_versions%ROWTYPE;
      BEGIN
        SELECT * INTO v FROM agreement_versions WHERE agreement_id = NEW.agreement_id AND number = NEW.version_number;
        IF TG_TABLE_NAME = 'agreement_decisions' THEN
          IF v.status IS DISTINCT FROM 'in_approval' OR NEW.round IS DISTINCT FROM v.round THEN
            RAISE EXCEPTION 'version % is not in approval', NEW.version_number USING ERRCODE = 'JW409';
          END IF;
        ELSIF v.status IS DISTINCT FROM 'approved' THEN
          RAISE EXCEPTION 'version % is signed only once every party has approved it', NEW.version_number
            USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['agreement_decisions', 'agreement_signatures']) {
      await db.query(`
        CREATE TRIGGER ${table}_version BEFORE INSERT ON ${table}
        FOR EACH ROW EXECUTE FUNCTION agreement_acts_on_version()`);
    }
  }

  private async security(db: QueryRunner): Promise<void> {
    const admin = `(SELECT app_is_platform_admin())`;
    const writer = `(SELECT app_role()) IN ('officer', 'council_admin')`;
    const councilAdmin = `(SELECT app_role()) = 'council_admin'`;
    const definer =
      'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';
    // Whether the caller's council is a party: read as the owner, so the parties' own policy
    // (which asks whether the agreement is visible) does not recurse.
    await db.query(`
      CREATE FUNCTION app_agreement_party(p_agreement_id uuid) RETURNS boolean ${definer} AS $$
        SELECT EXISTS (SELECT 1 FROM agreement_parties
                        WHERE agreement_id = p_agreement_id AND council_id = (SELECT app_council_id())) $$`);
    await db.query(`REVOKE ALL ON FUNCTION app_agreement_party(uuid) FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION app_agreement_party(uuid) TO jwh_app`);
    // Invoker functions: the agreements policy applies inside them.
    await db.query(`
      CREATE FUNCTION app_sees_agreement(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM agreements WHERE id = p_id) $$`);
    await db.query(`
      CREATE FUNCTION app_initiates_agreement(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT ${admin} OR (${writer} AND EXISTS (
          SELECT 1 FROM agreements WHERE id = p_id AND initiating_council_id = (SELECT app_council_id()))) $$`);

    const tables = [
      'agreements',
      'agreement_parties',
      'agreement_versions',
      'agreement_contributions',
      'agreement_decisions',
      'agreement_signatures',
      'agreement_reviews',
      'agreement_workstreams',
      'agreement_documents',
      'agreement_document_contents',
    ];
    for (const table of tables) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    }
    const party = `app_agreement_party(agreement_id)`;
    await db.query(`
      CREATE POLICY agreements_read ON agreements FOR SELECT
      USING (${admin} OR initiating_council_id = (SELECT app_council_id()) OR app_agreement_party(id))`);
    await db.query(`
      CREATE POLICY agreements_create ON agreements FOR INSERT
      WITH CHECK (${admin} OR (${writer} AND initiating_council_id = (SELECT app_council_id())))`);
    await db.query(`
      CREATE POLICY agreements_edit ON agreements FOR UPDATE
      USING (${admin} OR (${writer} AND app_agreement_party(id)))`);
    // The owner reads parties for app_agreement_party (RLS is forced on the owner too).
    await db.query(
      `CREATE POLICY agreement_parties_owner ON agreement_parties FOR SELECT TO CURRENT_USER USING (true)`,
    );
    for (const table of tables.slice(1)) {
      await db.query(
        `CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (app_sees_agreement(agreement_id))`,
      );
    }
    // Terms: the initiating council (the lifecycle triggers keep them to drafts).
    for (const table of ['agreement_parties', 'agreement_contributions']) {
      await db.query(
        `CREATE POLICY ${table}_write ON ${table} FOR ALL USING (app_initiates_agreement(agreement_id)) WITH CHECK (app_initiates_agreement(agreement_id))`,
      );
    }
    await db.query(`
      CREATE POLICY agreement_versions_create ON agreement_versions FOR INSERT
      WITH CHECK (app_initiates_agreement(agreement_id))`);
    // A version's status moves with every party's decisions and signatures; its terms only
    // while a draft, by the initiating council (the trigger and the column grants below).
    await db.query(`
      CREATE POLICY agreement_versions_edit ON agreement_versions FOR UPDATE
      USING (${admin} OR (${writer} AND ${party}))`);
    await db.query(`
      CREATE FUNCTION agreement_versions_terms_by_initiator() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF (NEW.title, NEW.summary, NEW.purposes, NEW.legal_basis, NEW.review_date, NEW.end_date, NEW.change_note)
           IS DISTINCT FROM (OLD.title, OLD.summary, OLD.purposes, OLD.legal_basis, OLD.review_date, OLD.end_date, OLD.change_note)
           AND NOT app_initiates_agreement(OLD.agreement_id) THEN
          RAISE EXCEPTION 'only the initiating council changes the terms' USING ERRCODE = '42501';
        END IF;
        IF OLD.status = 'draft' AND NEW.status = 'in_approval' AND NOT app_initiates_agreement(OLD.agreement_id) THEN
          RAISE EXCEPTION 'only the initiating council submits the terms' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER agreement_versions_terms_by_initiator BEFORE UPDATE ON agreement_versions
      FOR EACH ROW EXECUTE FUNCTION agreement_versions_terms_by_initiator()`);
    // Each party for itself: its council admins, or a platform admin on its behalf.
    for (const table of ['agreement_decisions', 'agreement_signatures']) {
      await db.query(`
        CREATE POLICY ${table}_add ON ${table} FOR INSERT
        WITH CHECK (${admin} OR (${councilAdmin} AND council_id = (SELECT app_council_id()) AND ${party}))`);
    }
    await db.query(`
      CREATE POLICY agreement_reviews_add ON agreement_reviews FOR INSERT
      WITH CHECK (${admin} OR (${councilAdmin} AND council_id = (SELECT app_council_id()) AND ${party}))`);
    await db.query(`
      CREATE POLICY agreement_workstreams_write ON agreement_workstreams FOR ALL
      USING (app_initiates_agreement(agreement_id))
      WITH CHECK (app_initiates_agreement(agreement_id) AND app_sees_workstream(workstream_id))`);
    // A document names the council that attached it; nothing is attached to an ended agreement.
    await db.query(`
      CREATE POLICY agreement_documents_add ON agreement_documents FOR INSERT
      WITH CHECK (${admin} OR (${writer} AND council_id = (SELECT app_council_id()) AND ${party}))`);
    await db.query(`
      CREATE POLICY agreement_document_contents_add ON agreement_document_contents FOR INSERT
      WITH CHECK (${admin} OR (${writer} AND ${party}))`);
    await db.query(`
      CREATE FUNCTION agreement_documents_open() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF (SELECT status FROM agreements WHERE id = NEW.agreement_id) IS NOT DISTINCT FROM 'ended' THEN
          RAISE EXCEPTION 'nothing is attached to an ended agreement' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER agreement_documents_open BEFORE INSERT ON agreement_documents
      FOR EACH ROW EXECUTE FUNCTION agreement_documents_open()`);

    await db.query(`
      GRANT SELECT, INSERT (id, reference, initiating_council_id, partnership_id),
            UPDATE (reference, partnership_id, status, latest_version, current_version, start_date,
                    next_review_on, end_date, ended_on, end_kind, end_reason, ended_by_council_id, version)
      ON agreements TO jwh_app`);
    await db.query(`GRANT SELECT, INSERT, DELETE ON agreement_parties TO jwh_app`);
    await db.query(`
      GRANT SELECT, INSERT (agreement_id, number, title, summary, purposes, legal_basis, review_date, end_date, change_note),
            UPDATE (title, summary, purposes, legal_basis, review_date, end_date, change_note, status, in_force_from)
      ON agreement_versions TO jwh_app`);
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON agreement_contributions TO jwh_app`);
    await db.query(`GRANT SELECT, INSERT ON agreement_decisions, agreement_signatures,
                      agreement_reviews, agreement_documents, agreement_document_contents TO jwh_app`);
    await db.query(`GRANT SELECT, INSERT, DELETE ON agreement_workstreams TO jwh_app`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE agreement_document_contents, agreement_documents, agreement_workstreams,
                 agreement_reviews, agreement_signatures, agreement_decisions,
                 agreement_contributions, agreement_versions, agreement_parties, agreements`);
    for (const fn of [
      'app_initiates_agreement(uuid)',
      'app_sees_agreement(uuid)',
      'app_agreement_party(uuid)',
      'agreement_documents_open()',
      'agreement_versions_terms_by_initiator()',
      'agreement_acts_on_version()',
      'agreement_terms_draft()',
      'agreements_lifecycle()',
      'agreement_versions_lifecycle()',
      'agreement_all_parties(uuid, integer, integer, boolean)',
      'agreement_recorded()',
    ]) {
      await db.query(`DROP FUNCTION ${fn}`);
    }
  }
}
