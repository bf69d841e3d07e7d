import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { IndexController } from './index.controller';
import { Readiness } from './readiness';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController, IndexController],
  providers: [Readiness],
  exports: [Readiness],
})
export class HealthModule {}
