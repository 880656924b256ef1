import { selectFromContext } from '../../lib/config/app-context';
import { defaultPlan } from '../support/harness';

describe('selectFromContext', () => {
  const plan = defaultPlan();

  test('defaults to the default environment and every phase', () => {
    expect(selectFromContext(plan, {})).toEqual({ environment: 'demo', phases: [1, 2, 3, 4] });
  });

  test('reads -c env and -c phases', () => {
    expect(selectFromContext(plan, { env: 'prod', phases: '3, 1' })).toEqual({ environment: 'prod', phases: [3, 1] });
  });

  test('fails if the environment or a phase is unknown, listing every problem', () => {
    expect(() => selectFromContext(plan, { env: 'qa', phases: '1,x,9' })).toThrow(
      /-c env: unknown environment "qa".*\n-c phases: unknown phase "x".*\n-c phases: unknown phase "9", expected a comma-separated list of: 1, 2, 3/,
    );
  });
});
