import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { ConfigService } from '@nestjs/config';
import { normalizeEmail } from '../common/email';
import { AppConfig } from '../config/configuration';
import { SignInDatabase } from '../database/sign-in-database';
import { AbilityFactory } from '../tenancy/ability.factory';
import { PoliciesGuard } from '../tenancy/policies.guard';
import { CouncilsModule } from '../councils/councils.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { MeController } from './me.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { PgThrottlerStorage } from './pg-throttler.storage';

/**
 * The routes that take a one-time code or send one (password resets, invitations) count every
 * request per client address, and a reset also per account: the email in its normalised
 * form, the same one the lookup uses. Sign-in counts failures itself (AuthService.login).
 */
const byAddress = (req: Record<string, unknown>) => String(req.ip);
const byAccount = (req: Record<string, unknown>) => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? `account:${normalizeEmail(email)}` : byAddress(req);
};
/** Reset requests per account per window: each one sends a mail. */
export const RESET_ACCOUNT_LIMIT = 5;

@Module({
  imports: [
    UsersModule,
    CouncilsModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        secret: config.get('jwtSecret', { infer: true }),
        signOptions: { algorithm: 'HS256' },
      }),
    }),
    // Counts live in PostgreSQL, shared by every process behind the load balancer.
    ThrottlerModule.forRootAsync({
      inject: [ConfigService, SignInDatabase],
      useFactory: (config: ConfigService<AppConfig, true>, signIn: SignInDatabase) => {
        const ttl = config.get('loginThrottleTtlSeconds', { infer: true }) * 1000;
        return {
          storage: new PgThrottlerStorage(signIn),
          throttlers: [
            {
              name: 'address',
              limit: config.get('codeThrottleLimit', { infer: true }),
              ttl,
              getTracker: byAddress,
            },
            { name: 'account', limit: RESET_ACCOUNT_LIMIT, ttl, getTracker: byAccount },
          ],
        };
      },
    }),
  ],
  controllers: [AuthController, MeController],
  providers: [
    AuthService,
    JwtStrategy,
    AbilityFactory,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: PoliciesGuard },
  ],
  exports: [AbilityFactory],
})
export class AuthModule {}
