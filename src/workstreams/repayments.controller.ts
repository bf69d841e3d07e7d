import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageOf, PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { CreateRepaymentDto, RepaymentDto, UpdateRepaymentDto } from './dto/repayment.dto';
import { FUNDING_LINES, REPAYMENTS } from './record-kinds';
import { located } from './workstream-records.controller';
import { WorkstreamRecordsService } from './workstream-records.service';

const readable = CheckPolicies((ability) => ability.can('read', 'Workstream'));
const NOT_VISIBLE = 'Not a funding line your council may see';
const NOT_FOUND = 'Not a funding line your council may see, or no such repayment';
const LEAD_ONLY = 'Your council does not lead this workstream';
const lineScope = (fundingId: string) => ({ funding_line_id: fundingId });

/**
 * Repayments made under a funding line at risk (Leeds' DECATS: £50k once £1m of savings is
 * delivered, £50k more at £5m), kept by the lead authorities; `GET …/funding` shows what is
 * repaid and still owed.
 */
@ApiTags('workstreams')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('workstreams/:id/funding/:fundingId/repayments')
export class RepaymentsController {
  constructor(private readonly records: WorkstreamRecordsService) {}

  @Get()
  @readable
  @ApiOkResponse({ type: PageOf(RepaymentDto), description: 'By date paid, ties by id' })
  @ApiOperation({ summary: "A funding line's repayments", operationId: 'listRepayments' })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  async list(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('fundingId') fundingId: string,
    @Query() query: PageQueryDto,
  ) {
    await this.records.get(actor, FUNDING_LINES, id, fundingId);
    return this.records.list(actor, REPAYMENTS, id, query, lineScope(fundingId));
  }

  @Post()
  @readable
  @ApiCreatedAt(RepaymentDto)
  @ApiOperation({
    summary: 'Record a repayment under a funding line (lead authorities)',
    operationId: 'createRepayment',
  })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_VISIBLE)
  async add(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('fundingId') fundingId: string,
    @Body() body: CreateRepaymentDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.records.get(actor, FUNDING_LINES, id, fundingId);
    const repayment = await this.records.create(
      actor,
      REPAYMENTS,
      id,
      { ...body },
      lineScope(fundingId),
    );
    return located(reply, `${id}/funding/${fundingId}/repayments`, repayment);
  }

  @Patch(':recordId')
  @readable
  @ApiOkResponse({ type: RepaymentDto })
  @ApiProblem(409, 'Stale version')
  @ApiOperation({ summary: 'Edit a repayment', operationId: 'updateRepayment' })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_FOUND)
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('fundingId') fundingId: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateRepaymentDto,
  ) {
    return this.records.update(actor, REPAYMENTS, id, recordId, { ...body }, lineScope(fundingId));
  }
}
