import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiProblem } from '../common/api-responses';
import { HealthDto, LiveDto } from './dto/health.dto';
import { Readiness } from './readiness';
import { Public, SkipTransaction } from '../tenancy/decorators';

@ApiTags('health')
@ApiProblem(400)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly readiness: Readiness,
  ) {}

  @Get()
  @Public()
  @SkipTransaction()
  // Documented here (HealthDto, problem+json), not by terminus; noCache is its default, stated.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Whether the service and its database are up', operationId: 'health' })
  @ApiOkResponse({ type: HealthDto, description: 'The service and its database are up' })
  @ApiProblem(
    503,
    'The database does not answer (within about 2 s); the problem also carries `info`, `error` and `details` as above',
  )
  check() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 })]);
  }

  @Get('live')
  @Public()
  @SkipTransaction()
  @ApiOperation({
    summary: 'Whether the process is alive (for restarts): 200 while it runs, draining or not',
    operationId: 'healthLive',
  })
  @ApiOkResponse({ type: LiveDto, description: 'The process runs' })
  live(): LiveDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @SkipTransaction()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Whether to send this process requests (for load balancers)',
    description:
      '503 once the process has been told to stop (it is draining) or while its database does not answer.',
    operationId: 'healthReady',
  })
  @ApiOkResponse({ type: HealthDto, description: 'Ready: serving, and its database is up' })
  @ApiProblem(503, 'Draining before it stops, or the database does not answer')
  ready() {
    if (this.readiness.draining) {
      throw new ServiceUnavailableException('This process is stopping; use another');
    }
    return this.check();
  }
}
