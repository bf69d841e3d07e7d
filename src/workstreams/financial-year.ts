import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';
import { MAX_YEAR, MIN_YEAR } from '../common/dates';

/** UK public-sector financial years run 1 April – 31 March and are written `2025-26`. */
export function financialYearOf(date: Date): string {
  const year = date.getUTCMonth() >= 3 ? date.getUTCFullYear() : date.getUTCFullYear() - 1;
  return `${year}-${String((year + 1) % 100).padStart(2, '0')}`;
}

/**
 * True for `2025-26`: a year the dates allow (common/dates.ts), a dash, and the next year's
 * last two digits.
 */
export function isFinancialYear(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= MIN_YEAR && year < MAX_YEAR && (year + 1) % 100 === Number(value.slice(5));
}

/** class-validator decorator for a financial year such as `2025-26` (not `2025-27`). */
export function IsFinancialYear(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFinancialYear',
      validator: {
        validate: isFinancialYear,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a financial year such as 2025-26`,
          options,
        ),
      },
    },
    options,
  );
}
