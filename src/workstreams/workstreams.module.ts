import { Module } from '@nestjs/common';
import { PartnershipsModule } from '../partnerships/partnerships.module';
import { AbilityFactory } from '../tenancy/ability.factory';
import { InsightsController } from './insights.controller';
import { InsightsService } from './insights.service';
import { ParticipationController } from './participation.controller';
import { ServiceAreasService } from './service-areas.service';
import { WorkstreamAccess } from './workstream-access.service';
import { WorkstreamRecordsController } from './workstream-records.controller';
import { WorkstreamRecordsService } from './workstream-records.service';
import { RepaymentsController } from './repayments.controller';
import { WorkstreamsController } from './workstreams.controller';
import { WorkstreamsService } from './workstreams.service';

@Module({
  imports: [PartnershipsModule],
  controllers: [
    WorkstreamsController,
    WorkstreamRecordsController,
    ParticipationController,
    InsightsController,
    RepaymentsController,
  ],
  providers: [
    AbilityFactory,
    WorkstreamsService,
    WorkstreamAccess,
    WorkstreamRecordsService,
    InsightsService,
    ServiceAreasService,
  ],
})
export class WorkstreamsModule {}
