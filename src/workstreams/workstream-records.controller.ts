import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageOf, PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import {
  CreateFundingLineDto,
  CreateKeyActionDto,
  CreateMilestoneDto,
  CreateRiskDto,
  CreateStatusUpdateDto,
  FundingLineDto,
  KeyActionDto,
  MilestoneDto,
  RiskDto,
  StatusUpdateDto,
  UpdateFundingLineDto,
  UpdateKeyActionDto,
  UpdateMilestoneDto,
  UpdateRiskDto,
} from './dto/records.dto';
import { AsOfPageQueryDto } from './dto/as-of.dto';
import { FUNDING_LINES, KEY_ACTIONS, MILESTONES, RISKS, STATUS_UPDATES } from './record-kinds';
import { WorkstreamRecordsService } from './workstream-records.service';

/** Answers 201 with a Location header for a record created under a workstream. */
export function located<T extends { id: string }>(reply: FastifyReply, path: string, record: T): T {
  void reply.header('Location', `/api/v1/workstreams/${path}/${record.id}`);
  return record;
}

// Reads need a readable workstream; whether a caller may change a record depends on the
// record's workstream and council, so the service decides (404, then 403).
const readable = CheckPolicies((ability) => ability.can('read', 'Workstream'));
const NOT_VISIBLE = 'Not a workstream your council may see';
const NOT_FOUND = 'Not a workstream your council may see, or no such record in it';
const LEAD_ONLY = 'Your council does not lead this workstream';

/** The records the lead authorities keep: status updates, milestones, key actions, risks, funding. */
@ApiTags('workstreams')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('workstreams/:id')
export class WorkstreamRecordsController {
  constructor(private readonly records: WorkstreamRecordsService) {}

  @Get('status-updates')
  @readable
  @ApiOkResponse({ type: PageOf(StatusUpdateDto), description: 'RAG history, newest first' })
  @ApiOperation({
    summary: "A workstream's status updates (its RAG history)",
    operationId: 'listStatusUpdates',
  })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listStatusUpdates(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, STATUS_UPDATES, id, query);
  }

  @Post('status-updates')
  @readable
  @ApiCreatedAt(StatusUpdateDto, 'Appended; the workstream shows it as its latest')
  @ApiOperation({
    summary: 'Report progress: a status update with its RAG',
    operationId: 'createStatusUpdate',
  })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_VISIBLE)
  async addStatusUpdate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateStatusUpdateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const row = await this.records.create(actor, STATUS_UPDATES, id, { ...body });
    return located(reply, `${id}/status-updates`, row);
  }

  @Get('milestones')
  @readable
  @ApiOkResponse({
    type: PageOf(MilestoneDto),
    description: 'By due date, ties by id; `overdue` as at `asOf` (default today)',
  })
  @ApiOperation({ summary: "A workstream's milestones", operationId: 'listMilestones' })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listMilestones(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: AsOfPageQueryDto,
  ) {
    return this.records.list(actor, MILESTONES, id, query);
  }

  @Post('milestones')
  @readable
  @ApiCreatedAt(MilestoneDto)
  @ApiOperation({ summary: 'Add a milestone', operationId: 'createMilestone' })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_VISIBLE)
  async addMilestone(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateMilestoneDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return located(
      reply,
      `${id}/milestones`,
      await this.records.create(actor, MILESTONES, id, { ...body }),
    );
  }

  @Patch('milestones/:recordId')
  @readable
  @ApiOkResponse({ type: MilestoneDto })
  @ApiProblem(409, 'Stale version')
  @ApiOperation({
    summary: 'Edit a milestone, or mark it done or missed',
    operationId: 'updateMilestone',
  })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_FOUND)
  updateMilestone(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateMilestoneDto,
  ) {
    return this.records.update(actor, MILESTONES, id, recordId, { ...body });
  }

  @Get('actions')
  @readable
  @ApiOkResponse({ type: PageOf(KeyActionDto), description: 'In the order recorded' })
  @ApiOperation({ summary: "A workstream's key actions", operationId: 'listKeyActions' })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listKeyActions(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, KEY_ACTIONS, id, query);
  }

  @Post('actions')
  @readable
  @ApiCreatedAt(KeyActionDto)
  @ApiOperation({ summary: 'Add a key action', operationId: 'createKeyAction' })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_VISIBLE)
  async addKeyAction(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateKeyActionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return located(
      reply,
      `${id}/actions`,
      await this.records.create(actor, KEY_ACTIONS, id, { ...body }),
    );
  }

  @Patch('actions/:recordId')
  @readable
  @ApiOkResponse({ type: KeyActionDto })
  @ApiProblem(409, 'Stale version')
  @ApiOperation({ summary: 'Edit a key action', operationId: 'updateKeyAction' })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_FOUND)
  updateKeyAction(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateKeyActionDto,
  ) {
    return this.records.update(actor, KEY_ACTIONS, id, recordId, { ...body });
  }

  @Get('risks')
  @readable
  @ApiOkResponse({ type: PageOf(RiskDto), description: 'Highest score first, ties by id' })
  @ApiOperation({ summary: "A workstream's risks", operationId: 'listRisks' })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listRisks(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.records.list(actor, RISKS, id, query);
  }

  @Post('risks')
  @readable
  @ApiCreatedAt(RiskDto)
  @ApiOperation({ summary: 'Add a risk', operationId: 'createRisk' })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_VISIBLE)
  async addRisk(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateRiskDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return located(reply, `${id}/risks`, await this.records.create(actor, RISKS, id, { ...body }));
  }

  @Patch('risks/:recordId')
  @readable
  @ApiOkResponse({ type: RiskDto })
  @ApiProblem(409, 'Stale version')
  @ApiOperation({ summary: 'Edit, assess or close a risk', operationId: 'updateRisk' })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_FOUND)
  updateRisk(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateRiskDto,
  ) {
    return this.records.update(actor, RISKS, id, recordId, { ...body });
  }

  @Get('funding')
  @readable
  @ApiOkResponse({ type: PageOf(FundingLineDto), description: 'With what has become repayable' })
  @ApiOperation({
    summary: "A workstream's funding lines, with what is repayable and owed",
    operationId: 'listFundingLines',
  })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listFunding(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.records.list(actor, FUNDING_LINES, id, query);
  }

  @Post('funding')
  @readable
  @ApiCreatedAt(FundingLineDto)
  @ApiOperation({
    summary: 'Add a funding line, with its repayment thresholds',
    operationId: 'createFundingLine',
  })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_VISIBLE)
  async addFunding(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateFundingLineDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return located(
      reply,
      `${id}/funding`,
      await this.records.create(actor, FUNDING_LINES, id, { ...body }),
    );
  }

  @Patch('funding/:recordId')
  @readable
  @ApiOkResponse({ type: FundingLineDto })
  @ApiProblem(409, 'Stale version')
  @ApiOperation({ summary: 'Edit a funding line', operationId: 'updateFundingLine' })
  @ApiBodyProblems()
  @ApiProblem(403, LEAD_ONLY)
  @ApiProblem(404, NOT_FOUND)
  updateFunding(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateFundingLineDto,
  ) {
    return this.records.update(actor, FUNDING_LINES, id, recordId, { ...body });
  }
}
