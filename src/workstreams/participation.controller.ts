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
  BusinessCaseDto,
  CreateBusinessCaseDto,
  CreateDecisionDto,
  CreateParticipantDto,
  CreateSavingsLineDto,
  DecisionDto,
  ParticipantDto,
  SavingsLineDto,
  UpdateBusinessCaseDto,
  UpdateDecisionDto,
  UpdateParticipantDto,
  UpdateSavingsLineDto,
} from './dto/records.dto';
import { BUSINESS_CASES, DECISIONS, PARTICIPANTS, SAVINGS_LINES } from './record-kinds';
import { located } from './workstream-records.controller';
import { WorkstreamRecordsService } from './workstream-records.service';

const readable = CheckPolicies((ability) => ability.can('read', 'Workstream'));
const caseScope = (caseId: string) => ({ business_case_id: caseId });

/**
 * What each council decides for itself about a workstream (its participation and own
 * priority rank, its decision on each business case, its savings lines), and the business
 * cases the lead authorities put to them.
 */
@ApiTags('workstreams')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ProblemDto, description: 'Not a workstream your council may see' })
@ApiForbiddenResponse({ type: ProblemDto, description: "Another council's record" })
@Controller('workstreams/:id')
export class ParticipationController {
  constructor(private readonly records: WorkstreamRecordsService) {}

  @Get('participants')
  @readable
  @ApiOkResponse({ type: PageOf(ParticipantDto) })
  listParticipants(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, PARTICIPANTS, id, query);
  }

  @Post('participants')
  @readable
  @ApiCreatedResponse({ type: ParticipantDto, description: "Your council's participation" })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Committed without an approved business case, or already taking part',
  })
  async addParticipant(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateParticipantDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return located(
      reply,
      `${id}/participants`,
      await this.records.create(actor, PARTICIPANTS, id, { ...body }),
    );
  }

  @Patch('participants/:recordId')
  @readable
  @ApiOkResponse({ type: ParticipantDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Stale version, or committed without an approved business case',
  })
  updateParticipant(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateParticipantDto,
  ) {
    return this.records.update(actor, PARTICIPANTS, id, recordId, { ...body });
  }

  @Get('business-cases')
  @readable
  @ApiOkResponse({ type: PageOf(BusinessCaseDto), description: 'By version number' })
  listBusinessCases(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, BUSINESS_CASES, id, query);
  }

  @Post('business-cases')
  @readable
  @ApiCreatedResponse({ type: BusinessCaseDto, description: 'The next version' })
  async addBusinessCase(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateBusinessCaseDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return located(
      reply,
      `${id}/business-cases`,
      await this.records.create(actor, BUSINESS_CASES, id, { ...body }),
    );
  }

  @Patch('business-cases/:caseId')
  @readable
  @ApiOkResponse({ type: BusinessCaseDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
  updateBusinessCase(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('caseId') caseId: string,
    @Body() body: UpdateBusinessCaseDto,
  ) {
    return this.records.update(actor, BUSINESS_CASES, id, caseId, { ...body });
  }

  @Get('business-cases/:caseId/decisions')
  @readable
  @ApiOkResponse({ type: PageOf(DecisionDto) })
  async listDecisions(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('caseId') caseId: string,
    @Query() query: PageQueryDto,
  ) {
    await this.records.get(actor, BUSINESS_CASES, id, caseId);
    return this.records.list(actor, DECISIONS, id, query, caseScope(caseId));
  }

  @Post('business-cases/:caseId/decisions')
  @readable
  @ApiCreatedResponse({ type: DecisionDto, description: "Your council's decision on this version" })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'A draft business case, or already decided',
  })
  async addDecision(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('caseId') caseId: string,
    @Body() body: CreateDecisionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.records.get(actor, BUSINESS_CASES, id, caseId);
    const decision = await this.records.create(
      actor,
      DECISIONS,
      id,
      { ...body },
      caseScope(caseId),
    );
    return located(reply, `${id}/business-cases/${caseId}/decisions`, decision);
  }

  @Patch('business-cases/:caseId/decisions/:recordId')
  @readable
  @ApiOkResponse({ type: DecisionDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
  updateDecision(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('caseId') caseId: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateDecisionDto,
  ) {
    return this.records.update(actor, DECISIONS, id, recordId, { ...body }, caseScope(caseId));
  }

  @Get('savings')
  @readable
  @ApiOkResponse({ type: PageOf(SavingsLineDto), description: 'By financial year, ties by id' })
  listSavings(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.records.list(actor, SAVINGS_LINES, id, query);
  }

  @Post('savings')
  @readable
  @ApiCreatedResponse({ type: SavingsLineDto, description: "A line of your council's savings" })
  @ApiConflictResponse({ type: ProblemDto, description: 'A line for that year and kind exists' })
  async addSavings(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateSavingsLineDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return located(
      reply,
      `${id}/savings`,
      await this.records.create(actor, SAVINGS_LINES, id, { ...body }),
    );
  }

  @Patch('savings/:recordId')
  @readable
  @ApiOkResponse({ type: SavingsLineDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
  updateSavings(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateSavingsLineDto,
  ) {
    return this.records.update(actor, SAVINGS_LINES, id, recordId, { ...body });
  }
}
