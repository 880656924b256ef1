/**
 * The cutover as the plan drives it: each phase's number lives in that phase's templates only, no
 * record sends users to a site whose copy of their rows is not ready, and finishing a copy removes
 * its replication while every store stays.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import {
  type AssemblyView,
  defaultAssembly,
  PHASE_3_READY,
  planWith,
  synthesize,
  withoutCloudFormationValidator,
} from '../support/harness';

// The subject here is template content, not the CloudFormation validator.
withoutCloudFormationValidator();

const P3 = 'phases/phase-3.yaml';
const STATEFUL = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
];

/** Every stack template of every phase, by `Phase/Stack`. */
function templates(synth: AssemblyView): Record<string, unknown> {
  return Object.fromEntries(
    synth.plan.phases.flatMap(({ phase }) =>
      synth.stackIds(phase).map((id) => [`Phase${phase}/${id}`, synth.artifact(phase, id).template]),
    ),
  );
}

/** The stacks whose templates differ between two synths. */
function changed(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((id) => JSON.stringify(before[id]) !== JSON.stringify(after[id]))
    .sort();
}

describe('each phase owns its numbers', () => {
  let baseline: Record<string, unknown>;
  beforeAll(() => {
    baseline = templates(synthesize({ plan: planWith(PHASE_3_READY), key: 'phase-3-ready' }));
  });

  test.each([
    [1, 'cutoverPercent: 100', 'cutoverPercent: 60'],
    [2, 'cutoverPercent: 50', 'cutoverPercent: 30'],
    [3, 'cutoverPercent: 10', 'cutoverPercent: 40'],
  ])('changing phase %i from "%s" to "%s" changes that phase\'s templates and no other', (phase, from, to) => {
    // GIVEN one number changed in one phase file (phase 3 ready, so every phase has a number)
    const file = `phases/phase-${phase}.yaml`;
    const edit = (t: string) => {
      expect(t).toContain(from);
      return t.replace(from, to);
    };
    const plan = planWith(
      phase === 3 ? { [P3]: (t) => edit(PHASE_3_READY[P3](t)) } : { ...PHASE_3_READY, [file]: edit },
    );
    // WHEN
    const after = templates(synthesize({ plan, key: `phase-${phase}-edited` }));
    // THEN only that phase's stacks differ
    const diff = changed(baseline, after);
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.filter((id) => !id.startsWith(`Phase${phase}/`))).toEqual([]);
  });
});

describe('no route to a location before its data is there', () => {
  test.each([
    ['the default plan (phase 3 still copying)', () => defaultAssembly()],
    ['phase 3 ready at 10 %', () => synthesize({ plan: planWith(PHASE_3_READY), key: 'phase-3-ready' })],
  ])(
    '%s: every record that reaches a site belongs to a site whose copy is ready or which is the system of record',
    (_name, synthesized) => {
      const synth = synthesized();
      const plan = synth.plan;
      const toEmptySites: string[] = [];
      let reaching = 0;
      for (const { phase, location } of plan.sites()) {
        const stackId = `${location.kind === 'aws' ? 'Service' : 'Site'}-${location.id}`;
        const template: Template = synth.template(phase.phase, stackId);
        // A site's own records carry its set identifier; walk every one, weighted or by latency.
        const own = Object.values(
          template.findResources('AWS::Route53::RecordSet', {
            Properties: { SetIdentifier: `p${phase.phase}-${location.id}` },
          }),
        ) as { Properties: { Name: string; ResourceRecords: unknown[] } }[];
        for (const { Properties: record } of own) {
          const service = phase.services.find((s) => record.Name.includes(`.${s}.`)) ?? '';
          // A layer's record names its market (`p3.in.shop...`); a world record answers "*".
          const market = /^p\d+\.([a-z]{2})\./.exec(record.Name)?.[1].toUpperCase() ?? '*';
          if (plan.dataState(phase.phase, location.id, service, market) === 'copying') toEmptySites.push(record.Name);
          if (!JSON.stringify(record.ResourceRecords).includes('world-')) reaching += 1;
        }
      }
      expect(toEmptySites).toEqual([]);
      expect(reaching).toBeGreaterThan(0);
    },
  );
});

describe('the end of a migration', () => {
  test('marking a copy finished removes its replication and keeps every store', () => {
    // GIVEN phase 1's shop copies finished (final sync done, phase 1 at 100 %)
    const finished = planWith({
      'phases/phase-1.yaml': (t) => t.replaceAll(': ready', ': finished'),
    });
    // WHEN
    const before = defaultAssembly();
    const after = synthesize({ plan: finished, phases: [1], key: 'finished-after' });
    // THEN DMS is gone, and every stateful resource is where it was, under the same logical ID
    const stateful = (t: Template) =>
      Object.entries(t.toJSON().Resources as Record<string, { Type: string }>)
        .filter(([, r]) => STATEFUL.includes(r.Type))
        .map(([id]) => id)
        .sort();
    for (const id of ['Data-us-west-1', 'Data-ap-southeast-1']) {
      const dms = (t: Template) =>
        Object.values(t.toJSON().Resources as Record<string, { Type: string }>).filter((r) =>
          r.Type.startsWith('AWS::DMS::'),
        );
      expect(dms(before.template(1, id)).length).toBeGreaterThan(0);
      expect(dms(after.template(1, id))).toEqual([]);
      expect(stateful(after.template(1, id))).toEqual(stateful(before.template(1, id)));
    }
    // and nothing below a finished layer, nor legacy behind the rest of the world: stale rows are no failover
    after
      .template(1, 'Service-ap-southeast-1')
      .resourcePropertiesCountIs('AWS::Route53::RecordSet', { SetIdentifier: 'below' }, 0);
    after
      .template(1, 'Service-us-west-1')
      .resourcePropertiesCountIs(
        'AWS::Route53::RecordSet',
        { Name: 'world-p1-us-west-1.shop.shop.example.com.', SetIdentifier: 'legacy' },
        0,
      );
  });

  test("finishing phase 3 drops India's transfer and link stacks and Brazil's replication; every store stays", () => {
    // GIVEN every phase-3 copy finished, phase 3 at 100 %
    const finished = planWith({
      'phases/phase-3.yaml': (text) =>
        PHASE_3_READY['phases/phase-3.yaml'](text)
          .replace('cutoverPercent: 10', 'cutoverPercent: 100')
          .replaceAll('ready', 'finished'),
    });
    const before = defaultAssembly();
    const after = synthesize({ plan: finished, phases: [1, 3], key: 'phase-3-finished' });
    // THEN the region-to-region stacks are gone, and with them the exports phases 1 and 2 kept for them
    const ids = (s: AssemblyView) => s.stackIds(3);
    expect(ids(before)).toEqual(expect.arrayContaining(['Transfer-ap-southeast-1', 'Link-ap-south-1']));
    expect(ids(after)).toEqual([
      'Data-ap-south-1',
      'Service-ap-south-1',
      'Site-br-sao-paulo',
      'Health-us-east-1',
      'Watch-ap-south-1',
      'Watch-sa-east-1',
    ]);
    const exported = (s: AssemblyView) =>
      Object.values(
        (s.template(1, 'Data-ap-southeast-1').toJSON().Outputs ?? {}) as Record<string, { Export?: unknown }>,
      ).filter((o) => o.Export).length;
    expect(exported(before)).toBeGreaterThan(0);
    expect(exported(after)).toBe(0);
    // Brazil's DMS resources are gone from the site; Mumbai's stores are where they were
    const count = (t: Template, prefix: string) =>
      Object.values(t.toJSON().Resources as Record<string, { Type: string }>).filter((r) => r.Type.startsWith(prefix))
        .length;
    expect(count(before.template(3, 'Site-br-sao-paulo'), 'AWS::DMS::')).toBeGreaterThan(0);
    expect(count(after.template(3, 'Site-br-sao-paulo'), 'AWS::DMS::')).toBe(0);
    const stateful = (t: Template) =>
      Object.entries(t.toJSON().Resources as Record<string, { Type: string }>)
        .filter(([, r]) => STATEFUL.includes(r.Type))
        .map(([id]) => id)
        .sort();
    expect(stateful(after.template(3, 'Data-ap-south-1'))).toEqual(stateful(before.template(3, 'Data-ap-south-1')));
  });
});
