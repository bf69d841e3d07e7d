/**
 * CASL abilities as data: each feature states its rules in `<feature>.policy.ts`
 * as a function of the actor; `AbilityFactory` composes them once per request. The same
 * rules answer "may I?" for one record and, through `rules-to-sql.ts`, become the SQL
 * condition of a list.
 */
import { AbilityBuilder, MongoAbility, createMongoAbility } from '@casl/ability';

export type Action =
  'manage' | 'create' | 'read' | 'update' | 'delete' | 'approve' | 'sign' | 'review' | 'terminate';
export type SubjectName =
  | 'Council'
  | 'CouncilProfile'
  | 'User'
  | 'AuditEvent'
  | 'Partnership'
  | 'PartnershipMember'
  | 'Workstream'
  | 'Participant'
  | 'WorkstreamChild'
  | 'BusinessCaseDecision'
  | 'SavingsLine'
  | 'ServiceArea'
  | 'Agreement'
  | 'AgreementParty'
  | 'AgreementDocument'
  | 'Report'
  | 'ReportSchedule'
  | 'all';

/** A record checked against the rules: plain fields plus its subject name. */
export type SubjectRecord = Record<string, unknown> & { __subject: SubjectName };
export type AppAbility = MongoAbility<[Action, SubjectName | SubjectRecord]>;
export type RuleBuilder = AbilityBuilder<AppAbility>;

export function buildAbility(define: (builder: RuleBuilder) => void): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  define(builder);
  return builder.build({
    detectSubjectType: (record) => (typeof record === 'string' ? record : record.__subject),
  });
}

/** Tags a record for `ability.can(action, record)`. */
export function asSubject<T extends object>(name: SubjectName, record: T): T & SubjectRecord {
  return { ...record, __subject: name };
}
