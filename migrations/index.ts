/**
 * Every migration, oldest first. `npm run migration:generate -- <Name>` writes a new file
 * here; add its class to this list.
 */
import { Foundation1763850000000 } from './1763850000000-foundation';
import { Identity1763860000000 } from './1763860000000-identity';
import { Invitations1763870000000 } from './1763870000000-invitations';
import { Partnerships1763880000000 } from './1763880000000-partnerships';
import { Workstreams1763890000000 } from './1763890000000-workstreams';
import { LoginThrottle1763895000000 } from './1763895000000-login-throttle';
import { Hardening1763900000000 } from './1763900000000-hardening';
import { SuspensionAndServiceAreas1763910000000 } from './1763910000000-suspension-and-service-areas';
import { WorkstreamIntegrity1763920000000 } from './1763920000000-workstream-integrity';
import { PlatformAccessAudit1763930000000 } from './1763930000000-platform-access-audit';
import { LeadOfficersOnce1763940000000 } from './1763940000000-lead-officers-once';
import { WorkstreamsReadSettingsOnce1763950000000 } from './1763950000000-workstreams-read-settings-once';
import { EmailNormalised1763960000000 } from './1763960000000-email-normalised';
import { ProvenSettings1763970000000 } from './1763970000000-proven-settings';
import { ProvenSettingsOnce1763980000000 } from './1763980000000-proven-settings-once';
import { DecisionsThatHold1763990000000 } from './1763990000000-decisions-that-hold';
import { DatedAsReported1764000000000 } from './1764000000000-dated-as-reported';
import { TrueToTheSeeds1764010000000 } from './1764010000000-true-to-the-seeds';
import { Agreements1764020000000 } from './1764020000000-agreements';
import { Reports1764030000000 } from './1764030000000-reports';
import { RecordsCarryTheirKeys1764040000000 } from './1764040000000-records-carry-their-keys';
import { WhatEachCouncilSees1764050000000 } from './1764050000000-what-each-council-sees';
import { ProofCheckedOnce1764060000000 } from './1764060000000-proof-checked-once';
import { ReadsByIndex1764070000000 } from './1764070000000-reads-by-index';
import { TakingPartCounted1764080000000 } from './1764080000000-taking-part-counted';
import { ActorConfirmedInTransaction1764090000000 } from './1764090000000-actor-confirmed-in-transaction';
import { OneCommitmentAtATime1764100000000 } from './1764100000000-one-commitment-at-a-time';
import { MilestonesDoneAfter1764110000000 } from './1764110000000-milestones-done-after';
import { SavingsSums1764120000000 } from './1764120000000-savings-sums';

export const MIGRATIONS = [
  Foundation1763850000000,
  Identity1763860000000,
  Invitations1763870000000,
  Partnerships1763880000000,
  Workstreams1763890000000,
  LoginThrottle1763895000000,
  Hardening1763900000000,
  SuspensionAndServiceAreas1763910000000,
  WorkstreamIntegrity1763920000000,
  PlatformAccessAudit1763930000000,
  LeadOfficersOnce1763940000000,
  WorkstreamsReadSettingsOnce1763950000000,
  EmailNormalised1763960000000,
  ProvenSettings1763970000000,
  ProvenSettingsOnce1763980000000,
  DecisionsThatHold1763990000000,
  DatedAsReported1764000000000,
  TrueToTheSeeds1764010000000,
  Agreements1764020000000,
  Reports1764030000000,
  RecordsCarryTheirKeys1764040000000,
  WhatEachCouncilSees1764050000000,
  ProofCheckedOnce1764060000000,
  ReadsByIndex1764070000000,
  TakingPartCounted1764080000000,
  ActorConfirmedInTransaction1764090000000,
  OneCommitmentAtATime1764100000000,
  MilestonesDoneAfter1764110000000,
  SavingsSums1764120000000,
];
