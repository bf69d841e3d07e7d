import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isCalendarDate, isUtcTimestamp } from './dates';

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

/** What each position of a cursor holds; a forged value of the wrong kind is a 400, not a 500. */
export type CursorValue = 'timestamp' | 'date' | 'uuid' | 'integer' | 'text';

const CURSOR_VALUE: Record<CursorValue, (v: string) => boolean> = {
  timestamp: isUtcTimestamp,
  date: isCalendarDate,
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  integer: (v) => /^-?\d{1,18}$/.test(v),
  text: () => true,
};

/** The values of a cursor made by `pageOf` for a sort key of these kinds, or 400 naming `cursor`. */
export function decodeCursor(
  cursor: string | undefined,
  kinds: readonly CursorValue[],
): string[] | undefined {
  if (!cursor) return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(values) &&
      values.length === kinds.length &&
      values.every((v, i) => typeof v === 'string' && CURSOR_VALUE[kinds[i]](v))
    ) {
      return values as string[];
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
