import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageOf, PageQueryDto } from '../common/pagination';
import { ProblemDto } from '../common/problem';
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

/** The records the lead authorities keep: status updates, milestones, key actions, risks, funding. */
@ApiTags('workstreams')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ProblemDto, description: 'Not a workstream your council may see' })
@ApiForbiddenResponse({
  type: ProblemDto,
  description: 'Your council does not lead this workstream',
})
@Controller('workstreams/:id')
export class WorkstreamRecordsController {
  constructor(private readonly records: WorkstreamRecordsService) {}

  @Get('status-updates')
  @readable
  @ApiOkResponse({ type: PageOf(StatusUpdateDto), description: 'RAG history, newest first' })
  listStatusUpdates(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, STATUS_UPDATES, id, query);
  }

  @Post('status-updates')
  @readable
  @ApiCreatedResponse({
    type: StatusUpdateDto,
    description: 'Appended; the workstream shows it as its latest',
  })
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
  listMilestones(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: AsOfPageQueryDto,
  ) {
    return this.records.list(actor, MILESTONES, id, query);
  }

  @Post('milestones')
  @readable
  @ApiCreatedResponse({ type: MilestoneDto })
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
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
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
  listKeyActions(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, KEY_ACTIONS, id, query);
  }

  @Post('actions')
  @readable
  @ApiCreatedResponse({ type: KeyActionDto })
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
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
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
  listRisks(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.records.list(actor, RISKS, id, query);
  }

  @Post('risks')
  @readable
  @ApiCreatedResponse({ type: RiskDto })
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
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
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
  listFunding(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.records.list(actor, FUNDING_LINES, id, query);
  }

  @Post('funding')
  @readable
  @ApiCreatedResponse({ type: FundingLineDto })
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
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
  updateFunding(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateFundingLineDto,
  ) {
    return this.records.update(actor, FUNDING_LINES, id, recordId, { ...body });
  }
}
