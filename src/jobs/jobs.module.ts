import { DynamicModule, Global, Module } from '@nestjs/common';
import { JOBS_OPTIONS, JobQueue, JobsOptions } from './job-queue';

@Global()
@Module({})
export class JobsModule {
  static forRoot(options: JobsOptions): DynamicModule {
    return {
      module: JobsModule,
      providers: [{ provide: JOBS_OPTIONS, useValue: options }, JobQueue],
      exports: [JobQueue],
    };
  }
}
