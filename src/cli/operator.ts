/**
 * The operator CLI goes through the same door as a request (as in src/tenancy, "The tenancy mechanism
 * is the one door"): the application's own services, in a request context whose actor is the
 * operator, one transaction that first sets the `app.*` settings, so row-level security and
 * the audit trigger apply as they do to the API. The operator is a platform admin with no
 * user row: audit events record no actor user and the request id `cli`.
 *
 * One process runs one Nest application: passport keeps its strategies process-wide, so a
 * second application (even one closed again) would take over the first one's sign-in.
 */
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppModule } from '../app.module';
import { fieldErrors } from '../common/problem';
import { AppConfig } from '../config/configuration';
import { ServiceUrls } from '../database/database-urls';
import { CouncilsService } from '../councils/councils.service';
import { Actor } from '../tenancy/actor';
import { SystemActor } from '../tenancy/system-actor';
import { CreateUserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';

export interface OperatorUser {
  email: string;
  name: string;
  role: string;
  councilGss?: string;
}

/** Writes one active user; `app` is the process's one application. */
export type InsertUser = (app: INestApplicationContext, user: OperatorUser) => Promise<void>;

/** Runs `work` as the operator, in one transaction, inside `app`. */
export function asOperator<T>(
  app: INestApplicationContext,
  work: (actor: Actor) => Promise<T>,
): Promise<T> {
  return app.get(SystemActor).run('cli', work);
}

/** Boots the application without HTTP, runs `work` with it, and closes it. */
export async function withApplication<T>(
  config: AppConfig,
  urls: ServiceUrls,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  // abortOnError off: a failure to boot reaches the CLI's one-line error, not a silent exit.
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, ...urls }), {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** The same checks as `POST /users` (CreateUserDto), stated as one line per field. */
async function validUser(fields: Record<string, unknown>): Promise<CreateUserDto> {
  const dto = plainToInstance(CreateUserDto, fields);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  const problems = fieldErrors(errors).map((e) => `${e.field}: ${e.message}`);
  if (problems.length) throw new Error(problems.join('\n'));
  return dto;
}

/**
 * Writes an active user with an already hashed password through UsersService, as the
 * operator: the same rules, row-level security and audit as the API (an existing email, in
 * any case, is refused).
 */
export function insertActiveUser(passwordHash: string): InsertUser {
  return (app, { email, name, role, councilGss }) =>
    asOperator(app, async (actor) => {
      const councilId = councilGss
        ? (await app.get(CouncilsService).byGssCode(actor, councilGss)).id
        : undefined;
      const dto = await validUser({ email, name, role, councilId });
      await app.get(UsersService).createActive(actor, dto, passwordHash);
    });
}
