import { financialYearOf, isFinancialYear } from './financial-year';

describe('financial year', () => {
  it.each([
    ['2025-04-01', '2025-26'],
    ['2026-03-31', '2025-26'],
    ['2026-11-23', '2026-27'],
    ['2099-12-31', '2099-00'],
    ['2010-01-15', '2009-10'],
  ])('%s falls in %s', (date, year) => {
    expect(financialYearOf(new Date(`${date}T12:00:00Z`))).toBe(year);
  });
});

describe('isFinancialYear', () => {
  it.each([
    ['2025-26', true],
    ['1999-00', true],
    ['2025-27', false],
    ['2025-25', false],
    ['25-26', false],
    ['2025/26', false],
    ['0999-00', false],
    ['9999-00', false],
    [202526, false],
  ])('%s is %s', (value, expected) => {
    expect(isFinancialYear(value)).toBe(expected);
  });
});
