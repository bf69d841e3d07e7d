import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './configuration';

/**
 * `@nestjs/config` over the settings `loadConfig` already validated (main.ts needs them
 * before Nest starts, to bring up the database). Inject `ConfigService<AppConfig, true>`.
 */
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ ...config })] })],
      exports: [ConfigModule],
    };
  }
}
