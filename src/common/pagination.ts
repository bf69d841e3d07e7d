import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `?limit=&cursor=` on every list: at most 100, 50 by default. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Keyset cursors: the sort key and id of the last row, opaque to clients. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, length: number): string[] | undefined {
  if (!cursor) return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every((v) => typeof v === 'string')
    ) {
      return values;
    }
  } catch {
    // fall through
  }
  throw new BadRequestException({
    message: 'The cursor is not valid',
    errors: [{ field: 'cursor', message: 'cursor is not valid' }],
  });
}

export function pageOf<T>(rows: T[], limit: number, key: (row: T) => unknown[]): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

/** The OpenAPI shape of a page of `type`, named `<Type>PageDto`. */
export function PageOf<T>(type: new () => T): new () => Page<T> {
  class PageDto {
    @ApiProperty({ type: [type] }) data: T[];
    @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `${type.name.replace(/Dto$/, '')}PageDto` });
  return PageDto;
}
