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

export type PhaseMove = 'same' | 'forward' | 'back';

export function phaseMove(from: Phase, to: Phase): PhaseMove {
  const delta = PHASES.indexOf(to) - PHASES.indexOf(from);
  return delta === 0 ? 'same' : delta > 0 ? 'forward' : 'back';
}
