import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isCalendarDate, isUtcTimestamp } from './dates';

/** `?limit=&cursor=` on every list: at most 100, 50 by default. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
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

/**
 * Keyset cursors: the sort key and id of the last row, opaque to clients and signed (an
 * HMAC-SHA256 under a key derived from the service's secret, cut to 128 bits), so an edited
 * but well-formed cursor is refused rather than followed. Every process of a deployment
 * derives the same key; until `useCursorSecret` is called (a bare unit test), a random one.
 */
let cursorKey: Buffer = randomBytes(32);

export function useCursorSecret(secret: string): void {
  cursorKey = Buffer.from(hkdfSync('sha256', secret, 'joint-working-hub', 'cursors', 32));
}

const signatureOf = (payload: string) =>
  createHmac('sha256', cursorKey).update(payload).digest().subarray(0, 16).toString('base64url');

export function encodeCursor(values: unknown[]): string {
  const payload = Buffer.from(JSON.stringify(values)).toString('base64url');
  return `${payload}.${signatureOf(payload)}`;
}

/** The payload of a cursor whose signature is ours, or undefined. */
function verifiedPayload(cursor: string): string | undefined {
  const [payload, signature, extra] = cursor.split('.');
  if (extra !== undefined || !payload || !signature) return undefined;
  const expected = Buffer.from(signatureOf(payload));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? payload : undefined;
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
    const payload = verifiedPayload(cursor);
    if (payload === undefined) throw new Error('not signed by us');
    const values = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
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

const pages = new Map<new () => unknown, new () => Page<unknown>>();

/**
 * The OpenAPI shape of a page of `type`, `{ data, nextCursor }`, named `<Type>PageDto`: a named
 * schema per type, so a generated client has `WorkstreamPageDto` rather than an anonymous type.
 */
export function PageOf<T>(type: new () => T): new () => Page<T> {
  const known = pages.get(type);
  if (known) return known as new () => Page<T>;
  class PageDto {
    @ApiProperty({ type: [type] }) data: T[];
    @ApiProperty({
      nullable: true,
      type: String,
      description: 'Pass as `cursor` for the next page; null on the last',
    })
    nextCursor: string | null;
  }
  Object.defineProperty(PageDto, 'name', { value: `${type.name.replace(/Dto$/, '')}PageDto` });
  pages.set(type, PageDto);
  return PageDto;
}
