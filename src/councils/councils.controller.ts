import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { CouncilsService } from './councils.service';
import { CouncilDto, CouncilPageDto, OnboardCouncilDto, UpdateCouncilDto } from './dto/council.dto';

@ApiTags('councils')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('councils')
export class CouncilsController {
  constructor(private readonly councils: CouncilsService) {}

  @Get()
  @CheckPolicies((ability) => ability.can('read', 'Council'))
  @ApiOperation({ summary: 'The directory of onboarded councils', operationId: 'listCouncils' })
  @ApiOkResponse({ type: CouncilPageDto, description: 'By name, ties by id' })
  @ApiProblem(400)
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto) {
    return this.councils.directory(actor, query);
  }

  @Get(':id')
  @CheckPolicies((ability) => ability.can('read', 'Council'))
  @ApiOperation({
    summary: 'A council',
    description:
      'Other councils see the directory entry; the council itself and platform admins also see its profile.',
    operationId: 'getCouncil',
  })
  @ApiOkResponse({ type: CouncilDto })
  @ApiProblem(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.councils.get(actor, id);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'Council'))
  @ApiOperation({
    summary: 'Onboard a council from the register of UK local authorities',
    description: 'Platform admins, by GSS code or register code.',
    operationId: 'onboardCouncil',
  })
  @ApiCreatedAt(CouncilDto)
  @ApiBodyProblems()
  @ApiProblem(403)
  @ApiProblem(404, 'No authority in the register with that code')
  @ApiProblem(409, 'Already onboarded, or a former authority')
  async onboard(
    @CurrentActor() actor: Actor,
    @Body() body: OnboardCouncilDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const council = await this.councils.onboard(actor, body);
    void reply.header('Location', `/api/v1/councils/${council.id}`);
    return council;
  }

  @Patch(':id')
  @CheckPolicies((ability) => ability.can('read', 'Council'))
  @ApiOperation({ summary: "Edit a council's profile", operationId: 'updateCouncil' })
  @ApiOkResponse({ type: CouncilDto })
  @ApiBodyProblems()
  @ApiProblem(403)
  @ApiProblem(404)
  @ApiProblem(409, 'Stale version')
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateCouncilDto) {
    return this.councils.update(actor, id, body);
  }
}
