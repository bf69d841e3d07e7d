import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/configuration';
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

/** Sign-in attempts are counted per IP and per account (the email tried). */
const byIp = (req: Record<string, unknown>) => String(req.ip);
const byAccount = (req: Record<string, unknown>) => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? `account:${email.toLowerCase()}` : byIp(req);
};

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
      inject: [ConfigService, DataSource],
      useFactory: (config: ConfigService<AppConfig, true>, dataSource: DataSource) => {
        const limit = config.get('loginThrottleLimit', { infer: true });
        const ttl = config.get('loginThrottleTtlSeconds', { infer: true }) * 1000;
        return {
          storage: new PgThrottlerStorage(dataSource),
          throttlers: [
            {
              name: 'ip',
              limit: config.get('loginThrottleIpLimit', { infer: true }),
              ttl,
              getTracker: byIp,
            },
            { name: 'account', limit, ttl, getTracker: byAccount },
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
