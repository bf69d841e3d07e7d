import { isCalendarDate, isUtcTimestamp } from './dates';

describe('isCalendarDate', () => {
  it.each([
    ['2025-01-01', true],
    ['2028-02-29', true],
    ['1000-01-01', true],
    ['9999-12-31', true],
    ['2025-02-29', false],
    ['2025-02-30', false],
    ['2025-04-31', false],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-01-00', false],
    ['0999-12-31', false],
    ['-2025-01-01', false],
    ['+2025-01-01', false],
    ['10000-01-01', false],
    ['2025-1-1', false],
    ['2025-01-01T00:00:00Z', false],
    [' 2025-01-01', false],
    [20250101, false],
  ])('%s is %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });
});

describe('isUtcTimestamp', () => {
  it.each([
    ['2025-01-01T00:00:00Z', true],
    ['2025-01-01T23:59:59.123456Z', true],
    ['2025-01-01T00:00:00.1Z', true],
    ['2025-01-01T00:00:00+00:00', false],
    ['2025-01-01T00:00:00+16:00', false],
    ['2025-01-01T24:00:00Z', false],
    ['2025-01-01T00:60:00Z', false],
    ['2025-01-01T00:00:60Z', false],
    ['2025-02-30T00:00:00Z', false],
    ['-2025-01-01T00:00:00Z', false],
    ['2025-01-01T00:00:00.1234567Z', false],
    ['2025-01-01 00:00:00Z', false],
    ['2025-01-01', false],
  ])('%s is %s', (value, expected) => {
    expect(isUtcTimestamp(value)).toBe(expected);
  });
});
