import { AppAbility } from './ability';

export const ROLES = ['platform_admin', 'council_admin', 'officer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The caller of one request, resolved once by the auth guard: who they are, their council,
 * its partnerships, and the CASL ability built from them. Controllers pass it as the first
 * argument of every service method.
 */
export interface Actor {
  userId: string;
  councilId: string | null;
  role: Role;
  sessionId: string;
  /** Partnerships the actor's council is a current member of. */
  partnershipIds: string[];
  ability: AppAbility;
  /**
   * Kept by this process from an earlier request (src/auth/actor-resolver.ts) rather than read
   * from the database for this one: the request's transaction confirms it first.
   */
  kept?: true;
}
