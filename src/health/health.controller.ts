import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiProblem } from '../common/api-responses';
import { HealthDto } from './dto/health.dto';
import { Public, SkipTransaction } from '../tenancy/decorators';

@ApiTags('health')
@ApiProblem(400)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
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
}
