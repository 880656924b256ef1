import type { MigrationPlan } from '../../lib/config/migration-plan';
import { describeResolution, dnsRecords, marketAnswers, publicNames, routingSection } from '../../lib/report/routing';
import { defaultPlan } from '../support/harness';
import { SERVICE_TEMPLATE, small, smallWith } from './fixture';

let plan: MigrationPlan;
beforeAll(() => {
  plan = defaultPlan();
});

const weights = (layer: number, below: number) => ({
  [SERVICE_TEMPLATE]: (json: { Resources: Record<string, { Properties: { Weight?: number } }> }) => {
    json.Resources.LayerUS.Properties.Weight = layer;
    json.Resources.BelowUS.Properties.Weight = below;
  },
});

describe('routing', () => {
  test('reads every record with its policy, target and health check', () => {
    const records = dnsRecords(small());
    const layer = records.find((r) => r.logicalId === 'LayerUS');
    expect(layer).toMatchObject({
      name: 'p1.us.shop.shop.example.com',
      policy: 'weighted',
      weight: 100,
      setIdentifier: 'p1-us-west-1',
      targets: [{ kind: 'resource', logicalId: 'ShopLoadBalancer3CF63A3D' }],
      healthCheck:
        'HTTPS to ElasticLoadBalancingV2 LoadBalancer ShopLoadBalancer3CF63A3D port 443 path / (ShopRoutingHealthF60A4E2E)',
    });
    expect(publicNames(records)).toEqual(['shop.shop.example.com']);
  });

  test("resolves each market's name through its layers to plan locations, and matches the plan", () => {
    // WHEN
    const answers = marketAnswers(dnsRecords(small()), plan);
    // THEN US lands where phase 1 sends it; the rest of the world takes the nearest site
    const us = answers.find((a) => a.market === 'US');
    expect(us && describeResolution(us.resolution)).toBe('us-west-1 100 %');
    expect(us?.matches).toBe(true);
    const world = answers.find((a) => a.market === '*');
    expect(world && describeResolution(world.resolution)).toBe('nearest of: us-west-1 (us-west-1 100 %)');
    expect(world?.matches).toBeUndefined();
  });

  test('flags a market whose records send a share elsewhere than the plan says', () => {
    // GIVEN US's phase 1 layer at 50 / 50 with legacy, while the plan cuts US over at 100 %
    const answers = marketAnswers(dnsRecords(smallWith(weights(50, 50))), plan);
    const us = answers.find((a) => a.market === 'US');
    expect(us && describeResolution(us.resolution)).toBe('us-west-1 50 %, bj-legacy 50 %');
    expect(us?.matches).toBe(false);
    expect(routingSection(smallWith(weights(50, 50)), plan)).toMatch(
      /\*\*1 market answer differs from the plan:\*\* US at `shop\.shop\.example\.com`/,
    );
  });

  test('shares a weighted set whose weights are all zero equally, as Route 53 does', () => {
    const answers = marketAnswers(dnsRecords(smallWith(weights(0, 0))), plan);
    const us = answers.find((a) => a.market === 'US');
    expect(us && describeResolution(us.resolution)).toBe('us-west-1 50 %, bj-legacy 50 %');
  });

  test('lists every record behind a public name with its health check', () => {
    const section = routingSection(small(), plan);
    expect(section).toContain('#### `shop.shop.example.com`');
    expect(section).toContain(
      '| p1.us.shop.shop.example.com | below | weight 0 | origin.bj.example.com (bj-legacy) | HTTPS to origin.bj.example.com port 443 path / (ShopRoutingLegacyHealthFC6ED1A9) | Phase1/Service-us-west-1 |',
    );
  });
});
