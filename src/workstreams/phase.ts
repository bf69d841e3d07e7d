/**
 * A workstream's phase moves only forward (idea → research → business case → approved →
 * implementation → live → closed); going back is an explicit reopen with a reason.
 */
export const PHASES = [
  'idea',
  'research',
  'business_case',
  'approved',
  'implementation',
  'live',
  'closed',
] as const;
export type Phase = (typeof PHASES)[number];
/** Where a workstream may start. */
export const STARTING_PHASES = ['idea', 'research', 'business_case'] as const;
/** Phases a workstream reaches only with an approved business case, or a reason none is needed. */
export const APPROVED_PHASES: readonly Phase[] = ['approved', 'implementation', 'live'];

/** Whether moving from `from` to `to` enters the approved phases. */
export function entersApproval(from: Phase, to: Phase): boolean {
  return (STARTING_PHASES as readonly Phase[]).includes(from) && APPROVED_PHASES.includes(to);
}

export type PhaseMove = 'same' | 'forward' | 'back';

export function phaseMove(from: Phase, to: Phase): PhaseMove {
  const delta = PHASES.indexOf(to) - PHASES.indexOf(from);
  return delta === 0 ? 'same' : delta > 0 ? 'forward' : 'back';
}
