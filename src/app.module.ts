import { DynamicModule, Module, ModuleMetadata, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule, Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { AppConfigModule } from './config/config.module';
import { AppConfig } from './config/configuration';
import { dataSourceOptions } from './database/data-source';
import { SignInDatabaseModule } from './database/sign-in-database';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CouncilsModule } from './councils/councils.module';
import { HealthModule } from './health/health.module';
import { PartnershipsModule } from './partnerships/partnerships.module';
import { WorkstreamsModule } from './workstreams/workstreams.module';
import { UsersModule } from './users/users.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { AgreementsModule } from './agreements/agreements.module';
import { ReportsModule } from './reports/reports.module';
import { JobsModule } from './jobs/jobs.module';
import { JobsOptions } from './jobs/job-queue';

export interface AppModuleOptions {
  config: AppConfig;
  /** The application role's connection: every request is served through it. */
  appUrl: string;
  /** The sign-in role's connection: credentials and tokens only. */
  authUrl: string;
  /** The job queue; off unless given (`npm start` gives it, the CLI does not). */
  jobs?: JobsOptions;
  /** Extra modules (tests mount probes here). */
  imports?: ModuleMetadata['imports'];
  /** Where log lines go (default: standard output); tests read them here. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot({
    config,
    appUrl,
    authUrl,
    jobs = {},
    imports = [],
    logDestination,
  }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot({
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          pinoHttp: withDestination(logDestination ?? prettyIn(config), {
            level: config.logLevel,
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url.split('?')[0],
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          }),
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(appUrl, config, 'jwh-app'),
          retryAttempts: 2,
          retryDelay: 1000,
        }),
        SignInDatabaseModule.forRoot(authUrl, config),
        TenancyModule.forRoot(config.jwtSecret, config.preparedStatements),
        JobsModule.forRoot(jobs),
        HealthModule,
        AuthModule,
        CouncilsModule,
        UsersModule,
        AuditModule,
        PartnershipsModule,
        WorkstreamsModule,
        AgreementsModule,
        ReportsModule,
        ...imports,
      ],
    };
  }
}

type PinoHttpOptions = Extract<NonNullable<Params['pinoHttp']>, unknown[]>[0];

function withDestination(
  destination: DestinationStream | undefined,
  options: PinoHttpOptions,
): Params['pinoHttp'] {
  return destination ? [options, destination] : options;
}

/** Readable lines for a person at a terminal (LOG_FORMAT=pretty); JSON to standard output otherwise. */
function prettyIn(config: AppConfig): DestinationStream | undefined {
  if (config.logFormat !== 'pretty') return undefined;
  return pretty({
    colorize: true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,req,res,responseTime,context,requestId',
    messageFormat:
      '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url} {res.statusCode} {responseTime}ms{end}',
  });
}
