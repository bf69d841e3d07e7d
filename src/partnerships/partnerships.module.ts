import { Module } from '@nestjs/common';
import { MembersService } from './members.service';
import { PartnershipsController } from './partnerships.controller';
import { PartnershipsService } from './partnerships.service';

@Module({
  controllers: [PartnershipsController],
  providers: [PartnershipsService, MembersService],
  exports: [PartnershipsService],
})
export class PartnershipsModule {}
