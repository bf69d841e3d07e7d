import { ForbiddenException } from '@nestjs/common';
import { ValidationProblem } from '../common/problem';
import { Actor } from './actor';

/**
 * The council a new record belongs to: the caller's own, or for a platform admin the one
 * they name in `field` (required then). Naming another council than one's own is 403.
 */
export function actingCouncil(actor: Actor, named: string | undefined, field: string): string {
  const council = actor.role === 'platform_admin' ? named : (actor.councilId ?? undefined);
  if (!council) {
    throw new ValidationProblem([{ field, message: `${field} is required for a platform admin` }]);
  }
  if (named && named !== council) {
    throw new ForbiddenException(`${field} must be your own council`);
  }
  return council;
}
