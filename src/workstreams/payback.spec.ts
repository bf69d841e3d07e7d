import { payback } from './payback';

const POUND = 100;
// DECATS: £50k repaid at £1m of savings, another £50k at £5m.
const decats = [
  { realisedSavingsPence: 5_000_000 * POUND, repaymentPence: 50_000 * POUND },
  { realisedSavingsPence: 1_000_000 * POUND, repaymentPence: 50_000 * POUND },
];

describe('conditional repayment', () => {
  it.each([
    [0, 0],
    [999_999, 0],
    [1_000_000, 50_000],
    [1_200_000, 50_000],
    [4_999_999, 50_000],
    [5_000_000, 100_000],
    [7_000_000, 100_000],
  ])('realised savings of £%d make £%d repayable', (realised, repayable) => {
    expect(payback(decats, realised * POUND).repayablePence).toBe(repayable * POUND);
  });

  it('lists the thresholds in order and marks those reached', () => {
    expect(payback(decats, 1_200_000 * POUND).thresholds.map((t) => t.reached)).toEqual([
      true,
      false,
    ]);
  });

  it('owes nothing without thresholds', () => {
    expect(payback([], 10 ** 12).repayablePence).toBe(0);
  });
});
