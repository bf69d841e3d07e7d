import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { AuditService } from './audit.service';
import { AuditPageDto, AuditQueryDto } from './dto/audit.dto';

@ApiTags('audit-events')
@ApiBearerAuth()
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first. Council admins see their council's events; platform admins all. */
  @Get()
  @CheckPolicies((ability) => ability.can('read', 'AuditEvent'))
  @ApiOperation({
    summary: 'The audit trail',
    description: "Council admins see their council's events; platform admins every event.",
    operationId: 'listAuditEvents',
  })
  @ApiOkResponse({ type: AuditPageDto, description: 'Newest first' })
  @ApiProblems(400, 401, 403)
  list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto) {
    return this.audit.list(actor, query);
  }
}
