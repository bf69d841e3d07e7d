import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { PageQueryDto } from '../common/pagination';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import {
  DashboardDto,
  DashboardQueryDto,
  SavingsTotalsDto,
  SavingsTotalsQueryDto,
} from './dto/insights.dto';
import { CreateServiceAreaDto, ServiceAreaDto, ServiceAreaPageDto } from './dto/workstream.dto';
import { InsightsService } from './insights.service';
import { ServiceAreasService } from './service-areas.service';

@ApiTags('workstreams')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller()
export class InsightsController {
  constructor(
    private readonly insights: InsightsService,
    private readonly serviceAreas: ServiceAreasService,
  ) {}

  @Get('dashboard')
  @CheckPolicies((ability) => ability.can('read', 'Workstream'))
  @ApiOperation({
    summary: "Your council's dashboard, now or as at a date",
    description:
      'Workstreams it leads or takes part in by RAG, phase and part, overdue milestones, open high risks and its savings for a financial year.',
    operationId: 'getDashboard',
  })
  @ApiOkResponse({ type: DashboardDto, description: "Your council's dashboard" })
  @ApiProblems(400, 403)
  @ApiProblem(404, 'A platform admin named no council there is')
  dashboard(@CurrentActor() actor: Actor, @Query() query: DashboardQueryDto) {
    return this.insights.dashboard(actor, query);
  }

  @Get('savings/totals')
  @CheckPolicies((ability) => ability.can('read', 'Workstream'))
  @ApiOperation({
    summary: 'Planned and realised savings, grouped by workstream, council and year',
    operationId: 'getSavingsTotals',
  })
  @ApiProblem(400)
  @ApiOkResponse({
    type: SavingsTotalsDto,
    description:
      'Planned and realised savings of the workstreams you may see, a page of groups at a time, with the total over every group',
  })
  savingsTotals(@CurrentActor() actor: Actor, @Query() query: SavingsTotalsQueryDto) {
    return this.insights.savingsTotals(actor, query);
  }

  @Get('service-areas')
  @CheckPolicies((ability) => ability.can('read', 'ServiceArea'))
  @ApiOperation({
    summary: 'The service areas a workstream can be in',
    operationId: 'listServiceAreas',
  })
  @ApiOkResponse({ type: ServiceAreaPageDto, description: 'By name, ties by code' })
  listServiceAreas(@Query() query: PageQueryDto) {
    return this.serviceAreas.list(query);
  }

  @Post('service-areas')
  @CheckPolicies((ability) => ability.can('create', 'ServiceArea'))
  @ApiOperation({ summary: 'Add a service area', operationId: 'createServiceArea' })
  @ApiCreatedResponse({ type: ServiceAreaDto, description: 'Platform admins extend the list' })
  @ApiBodyProblems()
  @ApiProblem(403)
  @ApiProblem(409, 'A service area with that code exists')
  addServiceArea(@Body() body: CreateServiceAreaDto) {
    return this.serviceAreas.add(body);
  }
}
