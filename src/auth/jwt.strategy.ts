import { createSecretKey } from 'node:crypto';
import { isUuid } from '../common/ids';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ClsService } from 'nestjs-cls';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/configuration';
import { Actor } from '../tenancy/actor';
import { ActorResolver } from '../tenancy/actor-resolver';
import { RequestContext } from '../tenancy/request-context';

/** Set by JwtAuthGuard on routes that open no transaction, where a kept caller goes unconfirmed. */
export const RESOLVE_FRESH = Symbol('jwh.resolveFresh');

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  exp?: number;
  iat?: number;
}

/** Clocks of the processes of one deployment may differ by this much. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * The signing secret as a KeyObject, made once: given a string, jsonwebtoken first tries (and
 * fails) to read it as a public key on every verification, which cost about a tenth of a
 * request's CPU. (passport-jwt's types say string or Buffer; jsonwebtoken takes a KeyObject.)
 */
function secretKey(secret: string): Buffer {
  return createSecretKey(Buffer.from(secret, 'utf8')) as unknown as Buffer;
}

/**
 * Verifies the access token (HS256 only, issuer, audience, a required `exp` no further from
 * its `iat` than the configured lifetime) and resolves the caller (ActorResolver): from the
 * database, or kept by this process and confirmed by the request's transaction, so a disabled
 * user, a suspended council or a revoked session is refused on the next request rather than
 * at expiry.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  private readonly ttlSeconds: number;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly actors: ActorResolver,
    private readonly cls: ClsService<RequestContext>,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secretKey(config.get('jwtSecret', { infer: true })),
      algorithms: ['HS256'],
      issuer: config.get('jwtIssuer', { infer: true }),
      audience: config.get('jwtAudience', { infer: true }),
      ignoreExpiration: false,
      passReqToCallback: true,
    });
    this.ttlSeconds = config.get('accessTokenTtlSeconds', { infer: true });
  }

  /** A token made with the real key but living longer than this service issues is refused. */
  private lifetimeIsValid(claims: AccessTokenClaims): boolean {
    const { exp, iat } = claims;
    if (typeof exp !== 'number' || typeof iat !== 'number') return false;
    const now = Date.now() / 1000;
    return iat <= now + CLOCK_SKEW_SECONDS && exp - iat <= this.ttlSeconds + CLOCK_SKEW_SECONDS;
  }

  async validate(request: { [RESOLVE_FRESH]?: true }, claims: AccessTokenClaims): Promise<Actor> {
    if (!this.lifetimeIsValid(claims) || !isUuid(claims.sub ?? '') || !isUuid(claims.sid ?? '')) {
      throw new UnauthorizedException('The access token is not valid');
    }
    const actor = await this.actors.resolve(claims.sub, claims.sid, request[RESOLVE_FRESH]);
    if (!actor) throw new UnauthorizedException('The session has ended; sign in again');
    this.cls.set('actor', actor);
    return actor;
  }
}
