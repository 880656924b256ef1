import { AssemblyError, constructPathOf, readAssembly } from '../../lib/report/assembly';
import { CLUSTER, DATA_TEMPLATE, edit, small, smallFiles, smallWith } from './fixture';

describe('readAssembly', () => {
  test('reads every stack the manifests list, with its environment, dependencies and template', () => {
    // WHEN
    const assembly = small();
    // THEN
    expect(assembly.stacks.map((s) => [s.path, s.stage, s.stackName, s.region, s.dependencies])).toEqual([
      ['Account/Gateways-us-west-1', 'Account', 'migration-shared-gateways-us-west-1', 'us-west-1', []],
      ['Phase1/Data-us-west-1', 'Phase1', 'migration-p1-commerce-data-us-west-1', 'us-west-1', []],
      [
        'Phase1/Service-us-west-1',
        'Phase1',
        'migration-p1-commerce-service-us-west-1',
        'us-west-1',
        ['Phase1Datauswest15E991A1A'],
      ],
    ]);
    const data = assembly.stacks[1];
    expect(data.terminationProtection).toBe(true);
    expect(data.templateBytes).toBe(Buffer.byteLength(smallFiles().texts.get(DATA_TEMPLATE) ?? '', 'utf8'));
    expect(Object.keys(data.metadata)).toContain('/Phase1/Data-us-west-1/ShopReplication/SourceCredentials');
    expect(assembly.synth?.environment).toBe('demo');
    expect(assembly.residency?.markets.US.allowedLocations).toEqual(['us-west-1', 'us-west-2', 'bj-legacy']);
    expect(assembly.staleEntries).toEqual([]);
  });

  test('lists what no manifest refers to as stale: old stacks and whole old stages, each once', () => {
    // GIVEN an earlier synth's stage and stack left in the folder, and files CDK does not judge
    // (the app's own copy of the plan, plan/, among them)
    const files = smallFiles();
    const withLeftovers = {
      texts: files.texts,
      entries: [
        ...files.entries,
        'assembly-Phase9/',
        'assembly-Phase9/manifest.json',
        'assembly-Phase9/Phase9Datauswest1.template.json',
        'assembly-Phase1/Phase1Transferapsoutheast1.template.json',
        'assembly-Phase1/Phase1Transferapsoutheast1.metadata.json',
        'asset.0123456789abcdef/',
        'plan/',
        'tree.json',
        'REPORT.md',
        'notes.txt',
      ],
    };
    // WHEN
    const { staleEntries } = readAssembly(withLeftovers);
    // THEN
    expect(staleEntries).toEqual([
      'assembly-Phase9/',
      'assembly-Phase1/Phase1Transferapsoutheast1.template.json',
      'assembly-Phase1/Phase1Transferapsoutheast1.metadata.json',
    ]);
  });

  test('fails if the folder is not an assembly', () => {
    expect(() => readAssembly({ texts: new Map(), entries: [] })).toThrow(AssemblyError);
    expect(() => readAssembly({ texts: new Map(), entries: [] })).toThrow(/no manifest\.json: not a cloud assembly/);
  });

  test('fails if a template the manifest lists is missing', () => {
    const files = smallFiles();
    const texts = new Map(files.texts);
    texts.delete(DATA_TEMPLATE);
    expect(() => readAssembly({ texts, entries: files.entries })).toThrow(
      /assembly-Phase1\/Phase1Datauswest15E991A1A\.template\.json is missing/,
    );
  });

  test('fails on a file that is not JSON, naming it', () => {
    const files = edit(smallFiles(), {});
    const texts = new Map(files.texts);
    texts.set('residency.json', '{ not json');
    expect(() => readAssembly({ texts, entries: files.entries })).toThrow(/residency\.json is not valid JSON/);
  });

  test('finds a construct path in the template, or else in the construct metadata (synth with --no-path-metadata)', () => {
    const data = small().stacks[1];
    expect(constructPathOf(data, 'ShopLogs')).toBe('Phase1/Data-us-west-1/ShopDatabase/Logs/Resource');
    const withoutPaths = smallWith({
      [DATA_TEMPLATE]: (json) => {
        for (const resource of Object.values(json.Resources) as { Metadata?: unknown }[]) delete resource.Metadata;
      },
    }).stacks[1];
    expect(constructPathOf(withoutPaths, CLUSTER)).toBe('Phase1/Data-us-west-1/ShopDatabase/Cluster/Resource');
    expect(constructPathOf(withoutPaths, 'ShopLogs')).toBeUndefined();
  });
});
