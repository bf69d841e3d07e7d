import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageOf, PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
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
const NOT_VISIBLE = 'Not a workstream your council may see';
const NOT_FOUND = 'Not a workstream your council may see, or no such record in it';
const NOT_OWN = "Another council's record, or only the lead authorities may";
const caseScope = (caseId: string) => ({ business_case_id: caseId });

/**
 * What each council decides for itself about a workstream (its participation and own
 * priority rank, its decision on each business case, its savings lines), and the business
 * cases the lead authorities put to them.
 */
@ApiTags('workstreams')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('workstreams/:id')
export class ParticipationController {
  constructor(private readonly records: WorkstreamRecordsService) {}

  @Get('participants')
  @readable
  @ApiOkResponse({ type: PageOf(ParticipantDto) })
  @ApiOperation({
    summary: 'The councils taking part in a workstream, and how',
    operationId: 'listParticipants',
  })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listParticipants(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, PARTICIPANTS, id, query);
  }

  @Post('participants')
  @readable
  @ApiCreatedAt(ParticipantDto, "Your council's participation")
  @ApiProblem(409, 'Committed without an approved business case, or already taking part')
  @ApiOperation({
    summary: "Record your council's participation and own priority rank",
    operationId: 'createParticipant',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_VISIBLE)
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
  @ApiProblem(409, 'Stale version, or committed without an approved business case')
  @ApiOperation({
    summary: "Change your council's participation or priority rank",
    operationId: 'updateParticipant',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_FOUND)
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
  @ApiOperation({ summary: "A workstream's business cases", operationId: 'listBusinessCases' })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listBusinessCases(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.records.list(actor, BUSINESS_CASES, id, query);
  }

  @Post('business-cases')
  @readable
  @ApiCreatedAt(BusinessCaseDto, 'The next version')
  @ApiOperation({
    summary: 'Draft the next business case (lead authorities)',
    operationId: 'createBusinessCase',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_VISIBLE)
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
  @ApiProblem(409, 'Stale version')
  @ApiOperation({
    summary: 'Edit, submit, approve or reject a business case',
    operationId: 'updateBusinessCase',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_FOUND)
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
  @ApiOperation({
    summary: "The councils' decisions on a business case",
    operationId: 'listBusinessCaseDecisions',
  })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
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
  @ApiCreatedAt(DecisionDto, "Your council's decision on this version")
  @ApiProblem(409, 'A draft business case, or already decided')
  @ApiOperation({
    summary: "Record your council's decision on a business case",
    operationId: 'createBusinessCaseDecision',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_VISIBLE)
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
  @ApiProblem(409, 'Stale version')
  @ApiOperation({
    summary: "Edit your council's decision on a business case",
    operationId: 'updateBusinessCaseDecision',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_FOUND)
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
  @ApiOperation({
    summary: "A workstream's savings lines, each council's by financial year",
    operationId: 'listSavingsLines',
  })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  listSavings(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.records.list(actor, SAVINGS_LINES, id, query);
  }

  @Post('savings')
  @readable
  @ApiCreatedAt(SavingsLineDto, "A line of your council's savings")
  @ApiProblem(409, 'A line for that year and kind exists')
  @ApiOperation({
    summary: "Add a line of your council's planned and realised savings",
    operationId: 'createSavingsLine',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_VISIBLE)
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
  @ApiProblem(409, 'Stale version')
  @ApiOperation({
    summary: "Edit a line of your council's savings",
    operationId: 'updateSavingsLine',
  })
  @ApiBodyProblems()
  @ApiProblem(403, NOT_OWN)
  @ApiProblem(404, NOT_FOUND)
  updateSavings(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('recordId') recordId: string,
    @Body() body: UpdateSavingsLineDto,
  ) {
    return this.records.update(actor, SAVINGS_LINES, id, recordId, { ...body });
  }
}
