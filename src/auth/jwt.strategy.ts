import { createSecretKey } from 'node:crypto';
import { isUuid } from '../common/ids';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ClsService } from 'nestjs-cls';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/configuration';
import { SignInDatabase } from '../database/sign-in-database';
import { AbilityFactory } from '../tenancy/ability.factory';
import { Actor, Role } from '../tenancy/actor';
import { RequestContext } from '../tenancy/request-context';

interface ActorRow {
  user_id: string;
  council_id: string | null;
  role: Role;
  partnership_ids: string[];
}

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
 * its `iat` than the configured lifetime) and resolves the caller afresh from the database,
 * so a disabled user, a suspended council or a revoked session is refused on the next request
 * rather than at expiry.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  private readonly ttlSeconds: number;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly signIn: SignInDatabase,
    private readonly abilities: AbilityFactory,
    private readonly cls: ClsService<RequestContext>,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secretKey(config.get('jwtSecret', { infer: true })),
      algorithms: ['HS256'],
      issuer: config.get('jwtIssuer', { infer: true }),
      audience: config.get('jwtAudience', { infer: true }),
      ignoreExpiration: false,
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

  async validate(claims: AccessTokenClaims): Promise<Actor> {
    if (!this.lifetimeIsValid(claims) || !isUuid(claims.sub ?? '') || !isUuid(claims.sid ?? '')) {
      throw new UnauthorizedException('The access token is not valid');
    }
    // The sign-in role's functions: one round trip, before the request's transaction opens.
    // The council's current partnerships feed the ability (and so the lists' SQL conditions).
    const rows = await this.signIn.query<ActorRow>(
      `SELECT a.user_id, a.council_id, a.role, council_partnership_ids(a.council_id) AS partnership_ids
         FROM auth_actor($1, $2) a`,
      [claims.sub, claims.sid],
    );
    const row = rows[0];
    if (!row) throw new UnauthorizedException('The session has ended; sign in again');
    const input = {
      userId: row.user_id,
      councilId: row.council_id,
      role: row.role,
      partnershipIds: row.partnership_ids,
    };
    const actor: Actor = {
      ...input,
      sessionId: claims.sid,
      ability: this.abilities.forActor(input),
    };
    this.cls.set('actor', actor);
    return actor;
  }
}
