import {
  ExecutionContext,
  SetMetadata,
  createParamDecorator,
  InternalServerErrorException,
} from '@nestjs/common';
import { AppAbility } from './ability';
import { Actor } from './actor';

export const IS_PUBLIC = 'jwh:public';
export const POLICIES = 'jwh:policies';
export const SKIP_TRANSACTION = 'jwh:skip-transaction';

export type PolicyHandler = (ability: AppAbility, actor: Actor) => boolean;

/** The route needs no signed-in user. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Every handler must hold for the caller; otherwise 403. */
export const CheckPolicies = (...handlers: PolicyHandler[]) => SetMetadata(POLICIES, handlers);

/** The route runs outside a request transaction (health checks). */
export const SkipTransaction = () => SetMetadata(SKIP_TRANSACTION, true);

export interface RequestWithActor {
  actor?: Actor;
}

/** The resolved caller. Throws rather than falling back when there is none. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor => {
    const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
    if (!actor) throw new InternalServerErrorException('No actor resolved for this route');
    return actor;
  },
);
