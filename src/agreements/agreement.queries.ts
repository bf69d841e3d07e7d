/**
 * The SQL that shapes an agreement and its versions for the API, in one place. Every query
 * runs in the caller's transaction under row-level security: a party sees the whole
 * agreement, a linked workstream only where the workstream's own policy lets it.
 */
import { isoDate, isoTimestamp } from '../common/sql';

const date = isoDate;
const jsonDate = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;
const jsonTime = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** An agreement as a list shows it; `a` is the agreement. */
export const SUMMARY_COLUMNS = `a.id, a.reference, v.title, a.status,
  json_build_object('id', ic.id, 'name', ic.name) AS "initiatingCouncil",
  CASE WHEN a.partnership_id IS NULL THEN NULL
       ELSE json_build_object('id', a.partnership_id,
                              'name', (SELECT p.name FROM partnerships p WHERE p.id = a.partnership_id)) END AS partnership,
  (SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name) ORDER BY c.name, c.id), '[]')
     FROM agreement_parties ap JOIN councils c ON c.id = ap.council_id WHERE ap.agreement_id = a.id) AS parties,
  a.current_version AS "currentVersion", a.latest_version AS "latestVersion",
  ${date('a.start_date', 'startDate')}, ${date('a.next_review_on', 'reviewDate')},
  ${date('a.end_date', 'endDate')}, ${date('a.ended_on', 'endedOn')},
  a.end_kind AS "endKind", a.end_reason AS "endReason", a.ended_by_council_id AS "endedByCouncilId",
  a.version, ${isoTimestamp('a.created_at', 'createdAt')}, ${isoTimestamp('a.updated_at', 'updatedAt')}`;

/** The agreements joined with the terms they show (in force, else the latest) and their initiator. */
export const SUMMARY_FROM = `agreements a
  JOIN agreement_versions v ON v.agreement_id = a.id AND v.number = coalesce(a.current_version, a.latest_version)
  JOIN councils ic ON ic.id = a.initiating_council_id`;

/** One version with its contributions, decisions, signatures and documents; `v` is the version. */
export const VERSION_COLUMNS = `v.number, v.status, v.title, v.summary, v.purposes, v.legal_basis AS "legalBasis",
  ${date('v.review_date', 'reviewDate')}, ${date('v.end_date', 'endDate')}, v.change_note AS "changeNote",
  v.round, CASE WHEN v.submitted_at IS NULL THEN NULL ELSE ${jsonTime('v.submitted_at')} END AS "submittedAt",
  CASE WHEN v.approved_at IS NULL THEN NULL ELSE ${jsonTime('v.approved_at')} END AS "approvedAt",
  ${date('v.in_force_from', 'inForceFrom')},
  CASE WHEN v.superseded_at IS NULL THEN NULL ELSE ${jsonTime('v.superseded_at')} END AS "supersededAt",
  (SELECT coalesce(json_agg(json_build_object('councilId', k.council_id, 'councilName', c.name,
            'amountPence', k.amount_pence, 'description', k.description) ORDER BY c.name, c.id), '[]')
     FROM agreement_contributions k JOIN councils c ON c.id = k.council_id
    WHERE k.agreement_id = v.agreement_id AND k.version_number = v.number) AS contributions,
  (SELECT coalesce(json_agg(json_build_object('id', d.id, 'councilId', d.council_id, 'councilName', c.name,
            'versionNumber', d.version_number, 'round', d.round, 'decision', d.decision,
            'decisionBody', d.decision_body, 'decisionMaker', d.decision_maker,
            'decidedOn', ${jsonDate('d.decided_on')}, 'reference', d.reference, 'reason', d.reason,
            'recordedBy', d.recorded_by, 'recordedByPlatformAdmin', d.recorded_by_platform_admin,
            'createdAt', ${jsonTime('d.created_at')}) ORDER BY d.round, d.created_at, d.id), '[]')
     FROM agreement_decisions d JOIN councils c ON c.id = d.council_id
    WHERE d.agreement_id = v.agreement_id AND d.version_number = v.number) AS decisions,
  (SELECT coalesce(json_agg(json_build_object('id', s.id, 'councilId', s.council_id, 'councilName', c.name,
            'versionNumber', s.version_number, 'signatoryName', s.signatory_name,
            'signatoryRole', s.signatory_role, 'signedOn', ${jsonDate('s.signed_on')},
            'recordedBy', s.recorded_by, 'recordedByPlatformAdmin', s.recorded_by_platform_admin,
            'createdAt', ${jsonTime('s.created_at')}) ORDER BY s.created_at, s.id), '[]')
     FROM agreement_signatures s JOIN councils c ON c.id = s.council_id
    WHERE s.agreement_id = v.agreement_id AND s.version_number = v.number) AS signatures,
  (SELECT coalesce(json_agg(json_build_object('id', f.id, 'versionNumber', f.version_number, 'kind', f.kind,
            'fileName', f.file_name, 'contentType', f.content_type, 'sizeBytes', f.size_bytes,
            'sha256', f.sha256, 'recordedBy', f.recorded_by,
            'createdAt', ${jsonTime('f.created_at')}) ORDER BY f.created_at, f.id), '[]')
     FROM agreement_documents f WHERE f.agreement_id = v.agreement_id AND f.version_number = v.number) AS documents`;

export const REVIEW_COLUMNS = `r.id, r.council_id AS "councilId", ${date('r.reviewed_on', 'reviewedOn')},
  r.outcome, ${date('r.next_review_on', 'nextReviewOn')}, r.recorded_by AS "recordedBy",
  r.recorded_by_platform_admin AS "recordedByPlatformAdmin", ${isoTimestamp('r.created_at', 'createdAt')}`;

/** The state a write decides on, read under the agreement's row lock. */
export interface LockedAgreement {
  id: string;
  status: string;
  initiatingCouncilId: string;
  currentVersion: number | null;
  latestVersion: number;
  latestStatus: string;
  latestRound: number;
  version: number;
  partyCouncilIds: string[];
}

export const LOCKED_COLUMNS = `a.id, a.status, a.initiating_council_id AS "initiatingCouncilId",
  a.current_version AS "currentVersion", a.latest_version AS "latestVersion", a.version,
  (SELECT v.status FROM agreement_versions v WHERE v.agreement_id = a.id AND v.number = a.latest_version) AS "latestStatus",
  (SELECT v.round FROM agreement_versions v WHERE v.agreement_id = a.id AND v.number = a.latest_version) AS "latestRound",
  (SELECT array_agg(p.council_id::text ORDER BY p.council_id) FROM agreement_parties p WHERE p.agreement_id = a.id) AS "partyCouncilIds"`;
