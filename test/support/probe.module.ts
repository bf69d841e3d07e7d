import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { Public } from '../../src/tenancy/decorators';

class EchoDto {
  @IsString()
  @Length(1, 20)
  name: string;

  @IsInt()
  @Min(1)
  @Max(5)
  rank: number;
}

/** SQL that makes PostgreSQL raise a data exception (SQLSTATE class 22) for a bad `value`. */
const CASTS: Record<string, string> = {
  date: 'SELECT $1::date AS v',
  timestamptz: 'SELECT $1::timestamptz AS v',
  int: 'SELECT $1::int AS v',
  utf8: `SELECT convert_from(decode($1, 'hex'), 'UTF8') AS v`,
  divide: 'SELECT 1 / $1::int AS v',
  uuid: 'SELECT $1::uuid AS v',
};

/** Test-only routes that show what the request pipeline does. */
@Controller('probe')
export class ProbeController {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Post('echo')
  @Public()
  echo(@Body() body: EchoDto) {
    return body;
  }

  @Get('settings')
  @Public()
  async settings() {
    const rows: Record<string, string>[] = await this.txHost.tx.query(
      `SELECT current_setting('app.user_id', true) AS "userId",
              current_setting('app.council_id', true) AS "councilId",
              current_setting('app.role', true) AS role,
              current_setting('app.request_id', true) AS "requestId",
              pg_backend_pid()::text AS pid`,
    );
    return rows[0];
  }

  /** The named prepared statements of the request's connection, and which connection it is. */
  @Get('prepared')
  @Public()
  async prepared() {
    const rows: { name: string; statement: string; pid: number }[] = await this.txHost.tx.query(
      `SELECT name, statement, pg_backend_pid() AS pid FROM pg_prepared_statements ORDER BY name`,
    );
    return rows;
  }

  /** `SELECT *` of a table a test makes (probe_star): its result changes with the table. */
  @Get('star')
  @Public()
  async star(@Query('id') id: string) {
    const rows: unknown[] = await this.txHost.tx.query(
      `SELECT * FROM probe_star WHERE id = $1::int`,
      [id],
    );
    return rows;
  }

  /** A query with a value PostgreSQL refuses, as if it had slipped past validation. */
  @Get('cast')
  @Public()
  async cast(@Query('type') type: string, @Query('value') value: string) {
    const rows: unknown[] = await this.txHost.tx.query(CASTS[type] ?? CASTS.int, [value]);
    return rows[0];
  }

  /** A failure on our side (a table that does not exist), with a value the log must not show. */
  @Get('fail')
  @Public()
  async fail(@Query('secret') secret: string) {
    await this.txHost.tx.query(`SELECT * FROM no_such_table WHERE name = $1`, [secret]);
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
