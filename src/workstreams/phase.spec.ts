import { PHASES, phaseMove } from './phase';

describe('workstream phase', () => {
  it('moves forward through the phases in order', () => {
    for (let i = 1; i < PHASES.length; i++) {
      expect(phaseMove(PHASES[i - 1], PHASES[i])).toBe('forward');
      expect(phaseMove(PHASES[0], PHASES[i])).toBe('forward');
    }
  });

  it('calls any move to an earlier phase a move back (a reopen)', () => {
    expect(phaseMove('closed', 'implementation')).toBe('back');
    expect(phaseMove('research', 'idea')).toBe('back');
  });

  it('knows a move to the same phase', () => {
    expect(phaseMove('live', 'live')).toBe('same');
  });
});
