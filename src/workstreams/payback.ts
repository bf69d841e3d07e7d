/**
 * Funding with conditional repayment (Leeds' DECATS: £100k funded at risk by Local
 * Partnerships; the council pays back £50k once an additional £1m of savings is delivered
 * and another £50k at £5m). A threshold is crossed when the workstream's realised savings
 * reach it; what is repayable is the sum of the repayments of the thresholds crossed.
 */
export interface RepaymentThreshold {
  realisedSavingsPence: number;
  repaymentPence: number;
}

export interface Payback {
  realisedSavingsPence: number;
  repayablePence: number;
  thresholds: (RepaymentThreshold & { reached: boolean })[];
}

export function payback(thresholds: RepaymentThreshold[], realisedSavingsPence: number): Payback {
  const marked = [...thresholds]
    .sort((a, b) => a.realisedSavingsPence - b.realisedSavingsPence)
    .map((t) => ({ ...t, reached: realisedSavingsPence >= t.realisedSavingsPence }));
  return {
    realisedSavingsPence,
    repayablePence: marked.filter((t) => t.reached).reduce((sum, t) => sum + t.repaymentPence, 0),
    thresholds: marked,
  };
}

/** Why a funding line's thresholds cannot stand: they must ascend and repay at most the amount. */
export function thresholdProblem(
  thresholds: RepaymentThreshold[],
  amountPence: number,
): string | undefined {
  for (let i = 1; i < thresholds.length; i++) {
    if (thresholds[i].realisedSavingsPence <= thresholds[i - 1].realisedSavingsPence) {
      return 'repaymentThresholds must ascend by realisedSavingsPence';
    }
  }
  const total = thresholds.reduce((sum, t) => sum + t.repaymentPence, 0);
  if (total > amountPence) {
    return `repaymentThresholds repay ${total} pence in all, more than the ${amountPence} pence funded`;
  }
  return undefined;
}
