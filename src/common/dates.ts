/**
 * The one reading of dates and timestamps from clients (README, API conventions): a date is
 * `YYYY-MM-DD`, a real calendar day in the years 1000–9999; a timestamp is ISO 8601 in UTC
 * (`2025-01-01T09:30:00.123456Z`). Anything else is refused before a query runs, because
 * PostgreSQL reads more (`-2025-01-01`, offsets, `2025-01-01T00:00:00+16:00`) and answers
 * the rest with a data exception: an error of ours, not the client's.
 */
import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';

export const MIN_YEAR = 1000;
export const MAX_YEAR = 9999;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?Z$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** True for `2028-02-29`, false for `2025-02-29`, `2025-1-1` or `0999-12-31`. */
export function isCalendarDate(value: unknown): value is string {
  const parts = typeof value === 'string' ? DATE.exec(value) : null;
  if (!parts) return false;
  const [year, month, day] = parts.slice(1).map(Number);
  return (
    year >= MIN_YEAR &&
    year <= MAX_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month)
  );
}

/** True for `2025-01-01T09:30:00Z` and `…:00.123456Z`; false for an offset or 24:00. */
export function isUtcTimestamp(value: unknown): value is string {
  const parts = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (!parts) return false;
  const [hour, minute, second] = parts.slice(2, 5).map(Number);
  return isCalendarDate(parts[1]) && hour < 24 && minute < 60 && second < 60;
}

/** class-validator decorator for a date field: `YYYY-MM-DD`, a real calendar day. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: isCalendarDate,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a date written YYYY-MM-DD (years ${MIN_YEAR} to ${MAX_YEAR})`,
          options,
        ),
      },
    },
    options,
  );
}
