import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, POLICIES, PolicyHandler, RequestWithActor } from './decorators';

/** Checks a handler's `@CheckPolicies` against the caller's ability: 403 when one fails. */
@Injectable()
export class PoliciesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const handlers = this.reflector.getAllAndOverride<PolicyHandler[]>(POLICIES, targets);
    if (!handlers) throw new ForbiddenException('This route declares no policy');
    const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
    if (!actor) return false;
    if (!handlers.every((handler) => handler(actor.ability, actor))) {
      throw new ForbiddenException('Your role may not do this');
    }
    return true;
  }
}
