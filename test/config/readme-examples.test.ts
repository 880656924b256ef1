import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from '../../lib/config/load-plan';
import { PlanError } from '../../lib/config/plan-error';
import { planStoppedLine } from '../../lib/report/checks';
import { defaultPlanSources, ROOT } from '../support/harness';

/** The fenced block that follows a `<!-- sample: NAME -->` marker in the README. */
function readmeSample(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- sample: ${name} [^>]*-->\\n+\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no sample "${name}"`);
  return match[1];
}

/** The sample as a pattern: `...` in the README stands for a list it shortens. */
function asPattern(sample: string): RegExp {
  const escaped = sample.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\.\\\.\\\./g, '.*');
  return new RegExp(`^${escaped}$`);
}

describe('the README samples come from the code', () => {
  test('plan errors: what synth prints for a misspelled region and a market served where it may not live', () => {
    // GIVEN the two mistakes the README describes, typed into the files as a user would
    const { platform, phases } = defaultPlanSources();
    const broken = { ...platform, text: platform.text.replace('region: us-west-2', 'region: us-west-22') };
    const phase1 = {
      ...phases[0],
      text: phases[0].text.replace('markets: [US, MX, TH, TR, "*"]', 'markets: [US, MX, TH, TR, "*", CN]'),
    };
    expect([broken.text, phase1.text]).not.toEqual([platform.text, phases[0].text]);
    // WHEN
    let output = '';
    try {
      loadPlan(broken, [phase1, ...phases.slice(1)]);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      output = `${error.message}\n${planStoppedLine('phases', error.issues.length)}`;
    }
    // THEN the README shows exactly that
    expect(output).toMatch(asPattern(readmeSample('plan-errors')));
  });
});
