import { defaultPlan } from '../support/harness';

describe("the plan's goals", () => {
  const plan = defaultPlan();

  test("a market's own goal replaces the default; the rest stays the default", () => {
    // GIVEN India sets its latency only
    const { defaults } = plan.platform.goals;
    expect(plan.market('IN')?.goals).toEqual({ latencyP90Ms: expect.any(Number) });
    // THEN
    expect(plan.goals('IN')).toEqual({
      latencyP90Ms: plan.market('IN')?.goals?.latencyP90Ms,
      availabilityPercent: defaults.availabilityPercent,
    });
    expect(plan.goals('US')).toEqual(defaults);
  });

  test('the new markets have no figure of their own: the defaults apply to Mexico, Thailand and Turkey', () => {
    for (const market of ['MX', 'TH', 'TR']) {
      expect(plan.market(market)?.goals).toBeUndefined();
      expect(plan.goals(market)).toEqual(plan.platform.goals.defaults);
    }
  });

  test('each phase watches the declared markets it serves, once, never the rest of the world', () => {
    expect(plan.watchedMarkets(plan.phase(1)).map((m) => m.market)).toEqual([
      'US',
      'MX',
      'TH',
      'TR',
      'SG',
      'HK',
      'TW',
      'MY',
      'ID',
      'PH',
      'IN',
    ]);
    expect(plan.watchedMarkets(plan.phase(3)).map((m) => [m.market, m.canaryRegion])).toEqual([
      ['IN', 'ap-south-1'],
      ['BR', 'sa-east-1'],
    ]);
    // Mexico and Thailand from their own regions; Turkey, which has none, from the nearest (Tel Aviv).
    expect(plan.watchedMarkets(plan.phase(4)).map((m) => [m.market, m.canaryRegion])).toEqual([
      ['MX', 'mx-central-1'],
      ['TH', 'ap-southeast-7'],
      ['TR', 'il-central-1'],
    ]);
  });

  test("a phase's goals live in the region of its first location", () => {
    expect(plan.phases.map((p) => plan.goalsRegion(p))).toEqual([
      'us-west-1',
      'us-west-2',
      'ap-south-1',
      'mx-central-1',
    ]);
  });

  test('every canary region, for the guardrail', () => {
    expect(plan.canaryRegions()).toEqual([
      'ap-east-1',
      'ap-east-2',
      'ap-south-1',
      'ap-southeast-1',
      'ap-southeast-3',
      'ap-southeast-5',
      'ap-southeast-7',
      'il-central-1',
      'mx-central-1',
      'sa-east-1',
      'us-east-2',
    ]);
  });
});
