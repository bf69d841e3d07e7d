import { Body, Controller, Get, Module, Post } from '@nestjs/common';
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
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
