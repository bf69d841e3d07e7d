import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
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
import { PageQueryDto } from '../common/pagination';
import { ProblemDto } from '../common/problem';
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

@ApiTags('workstreams')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ProblemDto, description: 'Not a workstream your council may see' })
@Controller('workstreams')
export class WorkstreamsController {
  constructor(private readonly workstreams: WorkstreamsService) {}

  @Get()
  @readable
  @ApiOkResponse({
    type: WorkstreamPageDto,
    description: 'Most recently updated first, ties by id',
  })
  list(@CurrentActor() actor: Actor, @Query() query: WorkstreamQueryDto) {
    return this.workstreams.list(actor, query);
  }

  // Whether the caller may create it depends on the partnership named, which a caller who
  // may not see it must get 404 for before any role check: the service decides (404, then 403).
  @Post()
  @readable
  @ApiCreatedResponse({ type: WorkstreamDto })
  @ApiForbiddenResponse({ type: ProblemDto })
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
  @ApiOkResponse({ type: WorkstreamDto })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.workstreams.get(actor, id);
  }

  @Patch(':id')
  @readable
  @ApiOkResponse({ type: WorkstreamDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Your council does not lead it' })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Stale version, or the phase would go back',
  })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateWorkstreamDto) {
    return this.workstreams.update(actor, id, body);
  }

  @Post(':id/reopen')
  @readable
  @HttpCode(200)
  @ApiOkResponse({ type: WorkstreamDto, description: 'Back to an earlier phase, with a reason' })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  reopen(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ReopenWorkstreamDto) {
    return this.workstreams.reopen(actor, id, body);
  }

  @Get(':id/phase-changes')
  @readable
  @ApiOkResponse({ type: PhaseChangePageDto, description: 'Oldest first' })
  phaseChanges(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQueryDto,
  ) {
    return this.workstreams.phaseChanges(actor, id, query);
  }
}
