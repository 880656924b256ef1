import { defaultPlan, PHASE_3_READY, planWith } from '../support/harness';

describe('MigrationPlan.routes', () => {
  const plan = defaultPlan();
  const ready = planWith(PHASE_3_READY);
  const weights = (service: string, market: string, of = plan) =>
    Object.fromEntries(
      (of.routes(service).find((r) => r.market === market)?.targets ?? []).map((t) => [t.setIdentifier, t.weight]),
    );

  test.each([
    // phase 1 is at 100 %: California and Singapore carry everything, legacy stays at 0 as a failover target
    ['shop', 'US', { 'p1-us-west-1': 100, legacy: 0 }],
    // phase 3 is still copying India's rows into Mumbai: no traffic goes there yet
    ['shop', 'IN', { 'p1-ap-southeast-1': 100, 'p3-ap-south-1': 0, legacy: 0 }],
    // Brazil was never moved: it stays on legacy until the provider's copy is ready
    ['shop', 'BR', { 'p3-br-sao-paulo': 0, legacy: 100 }],
    // phase 2 is at 50 %
    ['photos', 'SG', { 'p2-ap-southeast-1': 50, legacy: 50 }],
    ['photos', 'IN', { 'p2-ap-southeast-1': 50, 'p3-ap-south-1': 0, legacy: 50 }],
    // China is never served abroad; Russia has nowhere to go yet: both stay where they are
    ['shop', 'CN', { legacy: 100 }],
    ['accounts', 'RU', { legacy: 100 }],
    ['photos', 'RU', { legacy: 100 }],
    // the new markets stay where the rest of the world was (phases 1 and 2) while phase 4 copies their rows
    ['shop', 'MX', { 'p1-us-west-1': 100, 'p4-mx-central-1': 0, legacy: 0 }],
    ['shop', 'TH', { 'p1-us-west-1': 100, 'p4-ap-southeast-7': 0, legacy: 0 }],
    ['photos', 'TR', { 'p2-us-west-2': 50, 'p4-eu-central-1': 0, legacy: 50 }],
  ])('%s for %s is weighted %j', (service, market, expected) => {
    expect(weights(service, market)).toEqual(expected);
  });

  test.each([
    // once phase 3's copies are ready at 10 %, it takes 10 % of India from Singapore into Mumbai
    ['shop', 'IN', { 'p1-ap-southeast-1': 90, 'p3-ap-south-1': 10, legacy: 0 }],
    // Brazil was never moved before phase 3: 10 % to the provider, the rest stays on legacy
    ['shop', 'BR', { 'p3-br-sao-paulo': 10, legacy: 90 }],
    // phase 3 takes its 10 % of India first; phase 2 takes 50 % of the 90 % left; legacy keeps the rest
    ['photos', 'IN', { 'p2-ap-southeast-1': 45, 'p3-ap-south-1': 10, legacy: 45 }],
  ])('with phase 3 ready at 10 %%, %s for %s is weighted %j', (service, market, expected) => {
    expect(weights(service, market, ready)).toEqual(expected);
  });

  test("each phase's layer holds only its own number: its site at its cutover, the rest to the layer below", () => {
    const layers = ready.layers('photos').filter((l) => l.market === 'IN');
    expect(
      layers.map(({ phase, serves, weight, below, entryWeight }) => ({ phase, serves, weight, below, entryWeight })),
    ).toEqual([
      { phase: 2, serves: true, weight: 50, below: 'legacy', entryWeight: 0 },
      { phase: 3, serves: true, weight: 10, below: { phase: 2 }, entryWeight: 1 },
    ]);
    // while copying, the layer passes everything down and the site gets no record at all
    const copying = plan.layers('photos').find((l) => l.market === 'IN' && l.phase === 3);
    expect(copying).toMatchObject({ serves: false, weight: 0, below: { phase: 2 } });
  });

  test('the owner keeps a legacy record at a market name while at most one phase serves it, so the name always answers', () => {
    const legacy = Object.fromEntries(plan.entryLegacy('shop').map((e) => [e.market, e.weight]));
    // served by phase 1 and phase 3: the layers are the fallback, no legacy record
    expect(legacy.IN).toBeUndefined();
    // served by one phase: a standby legacy record at 0; served by none: legacy at 1
    expect(legacy.US).toBe(0);
    expect(legacy.BR).toBe(0);
    expect(legacy.CN).toBe(1);
    expect(legacy.RU).toBe(1);
    // served by phase 1 and phase 4: the layers are the fallback
    expect(legacy.MX).toBeUndefined();
  });

  test('every declared market has a route, and weights of a market add up to 100', () => {
    for (const service of ['shop', 'accounts', 'messaging', 'photos']) {
      const routes = plan.routes(service);
      expect(routes.map((r) => r.market).sort()).toEqual(plan.platform.markets.map((m) => m.code).sort());
      for (const route of routes) {
        expect(route.targets.reduce((sum, t) => sum + t.weight, 0)).toBe(100);
      }
    }
  });

  test('the routing owner is the first site serving the rest of the world, and never moves', () => {
    expect(plan.routingOwner('shop')).toEqual({ phase: 1, locationId: 'us-west-1' });
    expect(plan.routingOwner('photos')).toEqual({ phase: 2, locationId: 'us-west-2' });
  });

  test('a rollback is one number: phase 1 at 0 % sends every served market back to legacy', () => {
    // GIVEN phase 1 rolled back
    const rolledBack = planWith({
      'phases/phase-1.yaml': (t) => t.replace('cutoverPercent: 100', 'cutoverPercent: 0'),
    });
    // THEN US is wholly on legacy again
    const us = rolledBack.routes('shop').find((r) => r.market === 'US');
    expect(us?.targets.map((t) => [t.setIdentifier, t.weight])).toEqual([
      ['p1-us-west-1', 0],
      ['legacy', 100],
    ]);
  });

  test('the CDN refuses exactly the markets phase 1 lists in edge.blockedMarkets, and logs everyone else', () => {
    // phase 1 blocks CN (allowed only in Beijing) and RU (nowhere yet); its logs are in us-west-1
    expect(plan.cdnAudience(plan.phase(1))).toEqual({
      blocked: ['CN', 'RU'],
      // Mexico, Thailand and Turkey allow us-west-1 (their laws permit the transfer): served and logged there
      viewers: ['US', 'SG', 'HK', 'TW', 'MY', 'ID', 'PH', 'IN', 'BR', 'MX', 'TH', 'TR', '*'],
    });
    // a phase without a CDN refuses nobody
    expect(plan.cdnAudience(plan.phase(2)).blocked).toEqual([]);
  });

  test('blocking a market that could be logged is an explicit decision the plan keeps', () => {
    // GIVEN phase 1 also refuses Brazil, which allows us-west-1
    const withBrazil = planWith({
      'phases/phase-1.yaml': (t) => t.replace('  blockedMarkets:\n', '  blockedMarkets:\n    - BR\n'),
    });
    // THEN Brazil is refused and no longer logged
    const audience = withBrazil.cdnAudience(withBrazil.phase(1));
    expect(audience.blocked).toEqual(['BR', 'CN', 'RU']);
    expect(audience.viewers).not.toContain('BR');
  });

  test.each([
    // phase 1 and 2 take their markets from legacy; MX, TH and TR by name now, as part of "*" before
    [1, 'us-west-1', 'shop', ['US', 'MX', 'TH', 'TR', '*']],
    [2, 'us-west-2', 'photos', ['US', 'MX', 'TH', 'TR', '*']],
    [2, 'ap-southeast-1', 'photos', ['SG', 'HK', 'TW', 'MY', 'ID', 'PH', 'IN']],
    // India already moved to Singapore in phases 1 and 2: legacy no longer has its writes
    [3, 'ap-south-1', 'shop', []],
    [3, 'ap-south-1', 'accounts', []],
    // nor has it the new markets' writes since California and Oregon served them
    [4, 'mx-central-1', 'shop', []],
    [4, 'ap-southeast-7', 'accounts', []],
    [4, 'eu-central-1', 'photos', []],
  ])('phase %i %s replicates %s from legacy for %j', (phase, location, service, markets) => {
    expect(plan.legacyReplicationMarkets(phase, location, service)).toEqual(markets);
  });

  test.each([
    ['mx-central-1', 'MX'],
    ['ap-southeast-7', 'TH'],
    ['eu-central-1', 'TR'],
  ])(
    "phase 4's %s takes %s's rows from the sites that serve it today: the shop from phase 1's California, the rest from phase 2's Oregon",
    (location, market) => {
      const sources = plan
        .phase(4)
        .services.flatMap((service) => plan.replications(4, location, service))
        .map(({ service, source, markets }) => [service, source, markets]);
      expect(sources).toEqual([
        ['shop', { phase: 1, locationId: 'us-west-1' }, [market]],
        ['accounts', { phase: 2, locationId: 'us-west-2' }, [market]],
        ['messaging', { phase: 2, locationId: 'us-west-2' }, [market]],
        ['photos', { phase: 2, locationId: 'us-west-2' }, [market]],
      ]);
    },
  );

  test('one earlier location may feed several sites of a phase: California fills Mexico, Thailand and Turkey', () => {
    const into = (phase: number, location: string) =>
      plan.replicationsFrom(phase, location).map((r) => [r.into.phase.phase, r.into.location.id, r.service, r.markets]);
    expect(into(1, 'us-west-1')).toEqual([
      [4, 'mx-central-1', 'shop', ['MX']],
      [4, 'ap-southeast-7', 'shop', ['TH']],
      [4, 'eu-central-1', 'shop', ['TR']],
    ]);
    expect(into(2, 'us-west-2').map(([, location, service]) => `${location}:${service}`)).toEqual(
      ['mx-central-1', 'ap-southeast-7', 'eu-central-1'].flatMap((l) =>
        ['accounts', 'messaging', 'photos'].map((s) => `${l}:${s}`),
      ),
    );
  });

  test('the rest of the world is answered by each site serving "*", each with its own cutover', () => {
    expect(plan.restOfWorld('shop')).toEqual([
      {
        setIdentifier: 'p1-us-west-1',
        locationId: 'us-west-1',
        weight: 100,
        legacyWeight: 0,
        serves: true,
        legacyFallback: true,
      },
    ]);
    expect(plan.restOfWorld('photos')).toEqual([
      {
        setIdentifier: 'p2-us-west-2',
        locationId: 'us-west-2',
        weight: 50,
        legacyWeight: 50,
        serves: true,
        legacyFallback: true,
      },
    ]);
  });

  test('several sites may serve the rest of the world in one phase: latency picks the nearest', () => {
    // GIVEN Singapore also serves "*" in phase 1
    const both = planWith({
      'phases/phase-1.yaml': (t) =>
        t
          .replace('markets: [SG, HK,', 'markets: ["*", SG, HK,')
          .replace('shop: { SG: ready,', 'shop: { "*": ready, SG: ready,'),
    });
    // THEN both answer the rest of the world, and the owner is still California
    expect(both.restOfWorld('shop').map((t) => t.setIdentifier)).toEqual(['p1-us-west-1', 'p1-ap-southeast-1']);
    expect(both.routingOwner('shop')).toEqual({ phase: 1, locationId: 'us-west-1' });
  });
});
