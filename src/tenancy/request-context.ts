import { ClsStore } from 'nestjs-cls';
import { Actor } from './actor';

/** Work to run once the request's transaction has committed (see after-commit.ts). */
export type AfterCommitTask = () => Promise<void>;

/** What one request carries through AsyncLocalStorage (nestjs-cls). */
export interface RequestContext extends ClsStore {
  actor?: Actor;
  afterCommit?: AfterCommitTask[];
}

/** The `app.*` settings row-level security reads, for one transaction. */
export interface TenantSettings {
  userId: string;
  councilId: string;
  role: string;
  /** The session (refresh-token family) the caller signed in with; '' for a system actor. */
  sessionId: string;
  requestId: string;
  /** A kept caller (Actor.kept) the transaction must confirm, with its council's partnerships. */
  confirm?: { partnershipIds: string[] };
}

export function settingsFor(actor: Actor | undefined, requestId: string): TenantSettings {
  return {
    userId: actor?.userId ?? '',
    councilId: actor?.councilId ?? '',
    role: actor?.role ?? '',
    sessionId: actor?.sessionId ?? '',
    requestId,
    ...(actor?.kept ? { confirm: { partnershipIds: actor.partnershipIds } } : {}),
  };
}
