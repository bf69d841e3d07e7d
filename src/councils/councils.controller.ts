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
import { PageQueryDto } from '../common/pagination';
import { ProblemDto } from '../common/problem';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { CouncilsService } from './councils.service';
import { CouncilDto, CouncilPageDto, OnboardCouncilDto, UpdateCouncilDto } from './dto/council.dto';

@ApiTags('councils')
@ApiBearerAuth()
@Controller('councils')
export class CouncilsController {
  constructor(private readonly councils: CouncilsService) {}

  @Get()
  @CheckPolicies((ability) => ability.can('read', 'Council'))
  @ApiOkResponse({ type: CouncilPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto) {
    return this.councils.directory(actor, query);
  }

  @Get(':id')
  @CheckPolicies((ability) => ability.can('read', 'Council'))
  @ApiOkResponse({ type: CouncilDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.councils.get(actor, id);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'Council'))
  @ApiCreatedResponse({ type: CouncilDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Already onboarded, or a former authority',
  })
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
  @ApiOkResponse({ type: CouncilDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateCouncilDto) {
    return this.councils.update(actor, id, body);
  }
}
