import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const INDICATORS = {
  type: 'object' as const,
  additionalProperties: {
    type: 'object' as const,
    properties: {
      status: { type: 'string' as const, enum: ['up', 'down'] },
      message: { type: 'string' as const, description: 'Why it is down' },
    },
    required: ['status'],
  },
  example: { database: { status: 'up' } },
};

/** What `GET /health` answers (@nestjs/terminus), by indicator: today only `database`. */
export class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status: string;
  @ApiPropertyOptional({ ...INDICATORS, description: 'The indicators that are up' })
  info?: Record<string, { status: string }>;
  @ApiPropertyOptional({ ...INDICATORS, example: {}, description: 'The indicators that are down' })
  error?: Record<string, { status: string }>;
  @ApiProperty({ ...INDICATORS, description: 'Every indicator' })
  details: Record<string, { status: string }>;
}

/** What `GET /health/live` answers. */
export class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status: string;
}

/** Where to go next from `/` or `/api/v1`. */
export class LinksDto {
  @ApiProperty({ example: '/docs' }) docs: string;
  @ApiProperty({ example: '/docs-json' }) openapi: string;
  @ApiProperty({ example: '/health' }) health: string;
  @ApiProperty({ example: '/api/v1' }) api: string;
  @ApiProperty({ example: '/api/v1/auth/login' }) signIn: string;
}

export class IndexDto {
  @ApiProperty({ example: 'Joint Working Hub API' }) name: string;
  @ApiProperty({ type: LinksDto }) links: LinksDto;
}
