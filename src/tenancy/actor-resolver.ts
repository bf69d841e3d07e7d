import { Injectable } from '@nestjs/common';
import { SignInDatabase } from '../database/sign-in-database';
import { AbilityFactory } from './ability.factory';
import { Actor, Role } from './actor';

interface ActorRow {
  user_id: string;
  council_id: string | null;
  role: Role;
  partnership_ids: string[];
}

/**
 * Callers a process keeps, most recently seen last; beyond this the oldest is dropped. A kept
 * caller's ability holds about 17 KB (measured with 30 partnerships), so at most 17 MB.
 */
export const MAX_KEPT_ACTORS = 1000;

/**
 * Who is calling: the user of a live session, their council, its current partnerships and the
 * ability built from them.
 *
 * Looking the caller up on the sign-in role's pool cost every request a second pool checkout
 * and a round trip, so a process keeps the callers it has resolved, by session. A kept caller
 * is handed out marked `kept`, and the request's transaction confirms it in the statement that
 * opens it (migrations/1764090000000, src/tenancy/tenant-transaction.adapter.ts): a revoked
 * session, a disabled user, a suspended council, a changed role or a changed set of
 * partnerships is caught there, on that very request and whichever process serves it, as
 * before. The request then starts again with the caller looked up afresh
 * (RequestTransactionInterceptor), or answers 401.
 */
@Injectable()
export class ActorResolver {
  private readonly abilities = new AbilityFactory();
  private readonly kept = new Map<string, Actor>();

  constructor(private readonly signIn: SignInDatabase) {}

  /**
   * The caller of session `sessionId`, or undefined when it has ended. `fresh` reads the
   * database even when the caller is kept (routes that open no transaction to confirm it).
   */
  async resolve(userId: string, sessionId: string, fresh = false): Promise<Actor | undefined> {
    const kept = fresh ? undefined : this.kept.get(sessionId);
    if (kept?.userId === userId) {
      this.kept.delete(sessionId);
      this.kept.set(sessionId, kept);
      return { ...kept, kept: true };
    }
    // The sign-in role's functions: one round trip, before the request's transaction opens.
    const [row] = await this.signIn.query<ActorRow>(
      `SELECT a.user_id, a.council_id, a.role, council_partnership_ids(a.council_id) AS partnership_ids
         FROM auth_actor($1, $2) a`,
      [userId, sessionId],
    );
    if (!row) {
      this.kept.delete(sessionId);
      return undefined;
    }
    const input = {
      userId: row.user_id,
      councilId: row.council_id,
      role: row.role,
      partnershipIds: row.partnership_ids,
    };
    const actor: Actor = { ...input, sessionId, ability: this.abilities.forActor(input) };
    this.kept.delete(sessionId);
    this.kept.set(sessionId, actor);
    if (this.kept.size > MAX_KEPT_ACTORS) this.kept.delete(this.kept.keys().next().value!);
    return actor;
  }
}
