import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import {
  DashboardDto,
  DashboardQueryDto,
  SavingsTotalsDto,
  SavingsTotalsQueryDto,
} from './dto/insights.dto';
import { CreateServiceAreaDto, ServiceAreaDto } from './dto/workstream.dto';
import { InsightsService } from './insights.service';
import { ServiceAreasService } from './service-areas.service';

@ApiTags('workstreams')
@ApiBearerAuth()
@Controller()
export class InsightsController {
  constructor(
    private readonly insights: InsightsService,
    private readonly serviceAreas: ServiceAreasService,
  ) {}

  @Get('dashboard')
  @CheckPolicies((ability) => ability.can('read', 'Workstream'))
  @ApiOkResponse({ type: DashboardDto, description: "Your council's dashboard" })
  dashboard(@CurrentActor() actor: Actor, @Query() query: DashboardQueryDto) {
    return this.insights.dashboard(actor, query);
  }

  @Get('savings/totals')
  @CheckPolicies((ability) => ability.can('read', 'Workstream'))
  @ApiOkResponse({
    type: SavingsTotalsDto,
    description:
      'Planned and realised savings of the workstreams you may see, grouped (not paginated)',
  })
  savingsTotals(@CurrentActor() actor: Actor, @Query() query: SavingsTotalsQueryDto) {
    return this.insights.savingsTotals(actor, query);
  }

  @Get('service-areas')
  @CheckPolicies((ability) => ability.can('read', 'ServiceArea'))
  @ApiOkResponse({ type: [ServiceAreaDto] })
  listServiceAreas() {
    return this.serviceAreas.list();
  }

  @Post('service-areas')
  @CheckPolicies((ability) => ability.can('create', 'ServiceArea'))
  @ApiCreatedResponse({ type: ServiceAreaDto, description: 'Platform admins extend the list' })
  addServiceArea(@Body() body: CreateServiceAreaDto) {
    return this.serviceAreas.add(body);
  }
}
