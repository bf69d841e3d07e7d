import { Module } from '@nestjs/common';
import { MailerService } from '../mail/mailer.service';
import { ReportComposer } from './report-composer';
import { ReportRemindersJob } from './report-reminders.job';
import { ReportSchedulesService } from './report-schedules.service';
import { ReportSchedulesController, ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  controllers: [ReportsController, ReportSchedulesController],
  providers: [
    ReportsService,
    ReportComposer,
    ReportSchedulesService,
    ReportRemindersJob,
    MailerService,
  ],
})
export class ReportsModule {}
