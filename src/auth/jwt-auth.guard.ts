import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { Actor } from '../tenancy/actor';
import { IS_PUBLIC, RequestWithActor, SKIP_TRANSACTION } from '../tenancy/decorators';
import { RESOLVE_FRESH } from './jwt.strategy';

/** Every route needs a valid access token unless it is `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    // No transaction will confirm a kept caller here: read the caller from the database.
    if (this.reflector.getAllAndOverride<boolean>(SKIP_TRANSACTION, targets)) {
      context.switchToHttp().getRequest<{ [RESOLVE_FRESH]?: true }>()[RESOLVE_FRESH] = true;
    }
    return super.canActivate(context);
  }

  override handleRequest<T = Actor>(
    error: unknown,
    actor: T | false,
    _info: unknown,
    context: ExecutionContext,
  ): T {
    if (error instanceof Error) throw error;
    if (!actor) throw new UnauthorizedException('Sign in with a valid access token');
    context.switchToHttp().getRequest<RequestWithActor>().actor = actor as unknown as Actor;
    return actor;
  }
}
