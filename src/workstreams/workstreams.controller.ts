import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import {
  CreateWorkstreamDto,
  PhaseChangePageDto,
  ReopenWorkstreamDto,
  UpdateWorkstreamDto,
  WorkstreamDto,
  WorkstreamPageDto,
  WorkstreamQueryDto,
} from './dto/workstream.dto';
import { WorkstreamsService } from './workstreams.service';

const readable = CheckPolicies((ability) => ability.can('read', 'Workstream'));
const NOT_VISIBLE = 'Not a workstream your council may see';

@ApiTags('workstreams')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('workstreams')
export class WorkstreamsController {
  constructor(private readonly workstreams: WorkstreamsService) {}

  @Get()
  @readable
  @ApiOperation({
    summary: 'Workstreams you may see',
    description:
      "Your council's own and those of its partnerships, filtered by partnership, council, phase, service area, RAG, overdue milestones or words in the title.",
    operationId: 'listWorkstreams',
  })
  @ApiOkResponse({
    type: WorkstreamPageDto,
    description: 'Most recently updated first, ties by id',
  })
  @ApiProblem(400)
  list(@CurrentActor() actor: Actor, @Query() query: WorkstreamQueryDto) {
    return this.workstreams.list(actor, query);
  }

  // Whether the caller may create it depends on the partnership named, which a caller who
  // may not see it must get 404 for before any role check: the service decides (404, then 403).
  @Post()
  @readable
  @ApiOperation({
    summary: 'Start a workstream',
    description:
      'Shared, in a partnership your council is a member of, or private to your council.',
    operationId: 'createWorkstream',
  })
  @ApiCreatedAt(WorkstreamDto)
  @ApiBodyProblems()
  @ApiProblem(403, 'Your role or council may not start one there')
  @ApiProblem(404, 'Not a partnership your council may see')
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateWorkstreamDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const workstream = await this.workstreams.create(actor, body);
    void reply.header('Location', `/api/v1/workstreams/${workstream.id}`);
    return workstream;
  }

  @Get(':id')
  @readable
  @ApiOperation({ summary: 'A workstream', operationId: 'getWorkstream' })
  @ApiOkResponse({ type: WorkstreamDto })
  @ApiProblem(404, NOT_VISIBLE)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.workstreams.get(actor, id);
  }

  @Patch(':id')
  @readable
  @ApiOperation({
    summary: 'Edit a workstream, or move it to a later phase',
    operationId: 'updateWorkstream',
  })
  @ApiOkResponse({ type: WorkstreamDto })
  @ApiBodyProblems()
  @ApiProblem(403, 'Your council does not lead it')
  @ApiProblem(404, NOT_VISIBLE)
  @ApiProblem(409, 'Stale version, or the phase would go back')
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateWorkstreamDto) {
    return this.workstreams.update(actor, id, body);
  }

  @Post(':id/reopen')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reopen a workstream: back to an earlier phase, with a reason',
    operationId: 'reopenWorkstream',
  })
  @ApiOkResponse({ type: WorkstreamDto, description: 'Back to an earlier phase, with a reason' })
  @ApiBodyProblems()
  @ApiProblem(403, 'Your council does not lead it')
  @ApiProblem(404, NOT_VISIBLE)
  @ApiProblem(409, 'Stale version, or not an earlier phase')
  reopen(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ReopenWorkstreamDto) {
    return this.workstreams.reopen(actor, id, body);
  }

  @Get(':id/phase-changes')
  @readable
  @ApiOperation({
    summary: "A workstream's phase history",
    operationId: 'listWorkstreamPhaseChanges',
  })
  @ApiOkResponse({ type: PhaseChangePageDto, description: 'Oldest first' })
  @ApiProblem(400)
  @ApiProblem(404, NOT_VISIBLE)
  phaseChanges(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.workstreams.phaseChanges(actor, id, query);
  }
}
