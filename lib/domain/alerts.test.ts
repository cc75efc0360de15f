import { describe, expect, it } from 'vitest';
import { interruptionRisk, makeAlert, raiseSeverity, sortAlerts } from './alerts';

describe('E13 raises E1/E2 one level for a high-risk patient (reference.md E severity scale)', () => {
  it('INFO → WARN → HIGH → CRITICAL, and CRITICAL stays CRITICAL', () => {
    expect(raiseSeverity('info')).toBe('warn');
    expect(raiseSeverity('warn')).toBe('high');
    expect(raiseSeverity('high')).toBe('critical');
    expect(raiseSeverity('critical')).toBe('critical');
  });
});

describe('alerts are shown most severe first, in E-number order within a severity', () => {
  it('moves a CRITICAL raised last to the top and keeps equal severities in the order raised', () => {
    const raised = [
      makeAlert('E3', 'warn', 'no next appointment'),
      makeAlert('E4', 'high', 'stability'),
      makeAlert('E7', 'warn', 'dose step'),
      makeAlert('E9', 'warn', 'dose range'),
      makeAlert('E5', 'critical', 'under-infusion'),
    ];
    expect(sortAlerts(raised).map((a) => `${a.code} ${a.severity}`)).toEqual([
      'E5 critical',
      'E4 high',
      'E3 warn',
      'E7 warn',
      'E9 warn',
    ]);
  });

  it('leaves no alert, or one, as it is', () => {
    expect(sortAlerts([])).toEqual([]);
    expect(sortAlerts([makeAlert('E16', 'info', 'DST')])).toEqual([makeAlert('E16', 'info', 'DST')]);
  });
});

describe('what an interruption means, by the drug’s withdrawal risk (reference.md E0, D)', () => {
  it('severe (baclofen, boxed warning), moderate (opioid withdrawal), low (ziconotide: analgesia lost, S108)', () => {
    expect(interruptionRisk('baclofen', 'severe')).toBe(
      'Stopping baclofen abruptly can cause life-threatening withdrawal (high fever, altered mental state, rebound spasticity, rigidity).',
    );
    expect(interruptionRisk('morphine', 'moderate')).toBe('An interruption of morphine can cause opioid withdrawal.');
    expect(interruptionRisk('ziconotide', 'low')).toBe('An interruption of ziconotide stops pain relief.');
  });
});
