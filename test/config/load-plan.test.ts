import { parseDocument } from 'yaml';
import { AWS_REGION_COUNTRIES } from '../../lib/config/aws-regions';
import { loadPlan, type PlanSource } from '../../lib/config/load-plan';
import { formatIssue, PlanError } from '../../lib/config/plan-error';
import { defaultPlan, defaultPlanSources } from '../support/harness';

type Doc = ReturnType<typeof parseDocument>;
type Edit = (doc: Doc) => void;
interface Mutation {
  readonly file: string;
  readonly edit: Edit | ((text: string) => string);
  readonly raw?: boolean;
}

/** Loads the default plan with mutations applied; returns the formatted problems (or [] if it loads). */
function problems(...mutations: Mutation[]): string[] {
  const { platform, phases } = defaultPlanSources();
  const apply = (source: PlanSource): PlanSource => {
    let text = source.text;
    for (const m of mutations.filter((x) => x.file === source.file)) {
      if (m.raw) {
        text = (m.edit as (t: string) => string)(text);
      } else {
        const doc = parseDocument(text);
        (m.edit as Edit)(doc);
        text = doc.toString();
      }
    }
    return { ...source, text };
  };
  try {
    loadPlan(apply(platform), phases.map(apply));
    return [];
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return error.issues.map(formatIssue);
  }
}

const PLATFORM = 'phases/platform.yaml';
const P1 = 'phases/phase-1.yaml';
const P2 = 'phases/phase-2.yaml';
const P3 = 'phases/phase-3.yaml';
const set = (file: string, path: (string | number)[], value: unknown): Mutation => ({
  file,
  edit: (doc: Doc) => doc.setIn(path, value),
});
const add = (file: string, path: (string | number)[], value: unknown): Mutation => ({
  file,
  edit: (doc: Doc) => doc.addIn(path, value),
});

describe('loadPlan', () => {
  test('the default plan loads with four phases in order', () => {
    // GIVEN the plan in phases/
    const { platform, phases } = defaultPlanSources();
    // WHEN
    const plan = loadPlan(platform, phases);
    // THEN
    expect(plan.phases.map((p) => p.phase)).toEqual([1, 2, 3, 4]);
    expect(plan.platform.markets.map((m) => m.code)).toEqual(
      expect.arrayContaining(['US', 'SG', 'IN', 'BR', 'MX', 'TH', 'TR', 'CN', 'RU']),
    );
  });

  // Each case breaks one thing; the message must name the file, the line, the path, and say what was expected.
  test.each<[string, Mutation[], RegExp]>([
    [
      'a cutover that moves nobody: every market of the phase is still copying (India to Mumbai at 10 %)',
      [set(P3, ['cutoverPercent'], { shop: 10, accounts: 0, messaging: 0, photos: 0 })],
      /^phases\/phase-3\.yaml:\d+: cutoverPercent: sends 10% of the shop traffic of this phase's markets to its locations, but every market's shop rows there are still copying, so nobody would move; expected data\.shop: \{ <market>: ready \}/,
    ],
    [
      'a whole-location data state, which a market added there later would inherit',
      [set(P1, ['locations', 1, 'data', 'shop'], 'ready')],
      /^phases\/phase-1\.yaml:\d+: locations\[1\]\.data\.shop: ready for the whole location, .*expected one state per market: shop: \{ SG: ready, HK: ready, TW: ready, MY: ready, ID: ready, PH: ready, IN: ready \}/,
    ],
    [
      'a market added to a ready location without the state of its own rows',
      [
        add(PLATFORM, ['markets'], {
          code: 'KH',
          name: 'Cambodia',
          allowedLocations: ['ap-southeast-1'],
          canaryRegion: 'ap-southeast-1',
        }),
        add(P1, ['edge', 'blockedMarkets'], 'KH'),
        add(P1, ['locations', 1, 'markets'], 'KH'),
      ],
      /^phases\/phase-1\.yaml:\d+: locations\[1\]\.data\.shop: says where the shop rows of SG, HK, TW, MY, ID, PH, IN stand but not KH's; a market added to a location starts copying there, whatever the others are, expected KH: copying/,
    ],
    [
      'a cutover per service that leaves a service out',
      [set(P2, ['cutoverPercent'], { accounts: 50, messaging: 50 })],
      /^phases\/phase-2\.yaml:\d+: cutoverPercent: has no share for photos, expected every service of the phase listed \(accounts: 50, messaging: 50, photos: 0\), or one number for all/,
    ],
    [
      'a finished market at a location that does not take all of its traffic (stale rows elsewhere)',
      [
        set(P2, ['locations', 0, 'data', 'accounts'], {
          US: 'finished',
          MX: 'ready',
          TH: 'ready',
          TR: 'ready',
          '*': 'ready',
        }),
      ],
      /^phases\/phase-2\.yaml:\d+: locations\[0\]\.data\.accounts: finished makes "us-west-2" the system of record for the accounts rows of US, but the phase's accounts cutover 50 still sends 50% elsewhere/,
    ],
    [
      "a copy marked ready while its source's own copy is still copying",
      [
        set(P1, ['locations', 1, 'data'], {}),
        set(P1, ['cutoverPercent'], 0),
        set(P3, ['locations', 0, 'data'], { shop: { IN: 'ready' } }),
      ],
      /^phases\/phase-3\.yaml:\d+: locations\[0\]\.data\.shop\.IN: ready for IN's shop rows, but they come from "ap-southeast-1" \(phase 1\), whose own copy of them is still copying/,
    ],
    [
      'provider tasks above the registered hosts (the second task never places)',
      [set(P3, ['locations', 1, 'hostsRegistered'], 1)],
      /^phases\/phase-3\.yaml:\d+: locations\[1\]\.minTasks: minTasks 2 is above the 1 registered host\(s\): each task takes fixed host ports.*expected minTasks: 1 or fewer/,
    ],
    [
      'provider hosts given as yes or no',
      [set(P3, ['locations', 1, 'hostsRegistered'], true)],
      /^phases\/phase-3\.yaml:\d+: locations\[1\]\.hostsRegistered: got true, expected the number of the provider's hosts registered/,
    ],
    [
      'a market named out of "*" and moved to another location of the same phase',
      [
        add(PLATFORM, ['markets'], {
          code: 'VN',
          name: 'Vietnam',
          allowedLocations: ['ap-southeast-1', 'us-west-1', 'us-west-2', 'bj-legacy'],
          canaryRegion: 'ap-southeast-1',
          formerlyRestOfWorld: true,
        }),
        add(P1, ['locations', 1, 'markets'], 'VN'),
        set(P1, ['locations', 1, 'data', 'shop', 'VN'], 'copying'),
      ],
      /^phases\/phase-1\.yaml:\d+: locations\[0\]\.markets: VN was part of "\*" here \(formerlyRestOfWorld\): its users and rows are at "us-west-1", and this plan moves it to "ap-southeast-1" inside phase 1; expected VN named here beside "\*"/,
    ],
    [
      'a market named out of "*" whose rows stay where it may not keep them',
      [
        add(PLATFORM, ['markets'], {
          code: 'VN',
          name: 'Vietnam',
          allowedLocations: ['ap-southeast-1', 'bj-legacy'],
          canaryRegion: 'ap-southeast-1',
          formerlyRestOfWorld: true,
        }),
        add(P1, ['edge', 'blockedMarkets'], 'VN'),
      ],
      /^phases\/platform\.yaml:\d+: markets\[\d+\]: VN's rows were copied to "us-west-1" as rest-of-world rows and stay there, which VN does not allow \(residency\); expected us-west-1 in allowedLocations if its law permits it, or removeRowsFrom: \[us-west-1\]/,
    ],
    [
      'a replication truncated before load where users write',
      [set(P1, ['locations', 0, 'truncateBeforeLoad'], ['shop'])],
      /^phases\/phase-1\.yaml:\d+: locations\[0\]\.truncateBeforeLoad: truncates the shop tables of "us-west-1" before a full load, but the rows of US, MX, TH, TR, \* are ready there: users' writes would be erased/,
    ],
    [
      'a data state for a service the phase does not run',
      [set(P1, ['locations', 0, 'data', 'photos'], 'ready')],
      /^phases\/phase-1\.yaml:\d+: locations\[0\]\.data\.photos: "photos" is not a service of this phase with a database, expected one of: shop/,
    ],
    [
      'an unknown data state',
      [set(P1, ['locations', 0, 'data', 'shop'], 'done')],
      /^phases\/phase-1\.yaml:\d+: locations\[0\]\.data\.shop: .*copying.*ready.*finished/,
    ],
    [
      'an unknown region',
      [set(PLATFORM, ['locations', 0, 'region'], 'us-west-9')],
      /^phases\/platform\.yaml:\d+: locations\[0\]\.region: unknown AWS region "us-west-9", expected one of: /,
    ],
    [
      'a misspelled region',
      [set(PLATFORM, ['locations', 2, 'region'], 'ap-southeast1')],
      /^phases\/platform\.yaml:\d+: locations\[2\]\.region: unknown AWS region "ap-southeast1".*did you mean "ap-southeast-1"\?/,
    ],
    [
      'a VPC overlapping another phase',
      [set(P2, ['locations', 0, 'vpcCidr'], '10.10.128.0/17')],
      /^phases\/phase-2\.yaml:\d+: locations\[0\]\.vpcCidr: 10\.10\.128\.0\/17 overlaps 10\.10\.0\.0\/16 of phase 1 us-west-1/,
    ],
    [
      'a VPC overlapping the legacy data center',
      [set(P3, ['locations', 0, 'vpcCidr'], '10.0.128.0/20')],
      /^phases\/phase-3\.yaml:\d+: locations\[0\]\.vpcCidr: 10\.0\.128\.0\/20 overlaps 10\.0\.0\.0\/16 of the legacy data center/,
    ],
    [
      'a market served where its data may not live',
      [add(P1, ['locations', 0, 'markets'], 'CN')],
      /^phases\/phase-1\.yaml:\d+: locations\[0\]\.markets\[5\]: market "CN" may not have its data in "us-west-1" \(US\), expected a location it allows: bj-legacy \(CN: PIPL and the Cybersecurity Law/,
    ],
    [
      'a market with no allowed location served',
      [add(P2, ['locations', 0, 'markets'], 'RU')],
      /^phases\/phase-2\.yaml:\d+: locations\[0\]\.markets\[5\]: market "RU" may not have its data in "us-west-2" \(US\), expected a location it allows: none yet \(RU: Federal Law 242-FZ/,
    ],
    [
      'a market served twice in one phase',
      [add(P1, ['locations', 1, 'markets'], 'US')],
      /^phases\/phase-1\.yaml:\d+: locations\[1\]\.markets\[7\]: market "US" is already served by "us-west-1" in this phase/,
    ],
    [
      'a phase naming a location the platform lacks',
      [set(P2, ['locations', 1, 'location'], 'ap-southeast-9')],
      /^phases\/phase-2\.yaml:\d+: locations\[1\]\.location: unknown location "ap-southeast-9".*did you mean "ap-southeast-1"\?/,
    ],
    [
      'a cutover above 100',
      [set(P1, ['cutoverPercent'], 120)],
      /^phases\/phase-1\.yaml:\d+: cutoverPercent: got 120, expected .*100/,
    ],
    [
      'a cutover below 0',
      [set(P2, ['cutoverPercent'], -5)],
      /^phases\/phase-2\.yaml:\d+: cutoverPercent: got -5, expected .*0/,
    ],
    [
      'a duplicate market',
      [set(PLATFORM, ['markets', 1, 'code'], 'US')],
      /^phases\/platform\.yaml:\d+: markets\[1\]\.code: duplicate market "US"/,
    ],
    [
      'a duplicate location id',
      [set(PLATFORM, ['locations', 1, 'id'], 'us-west-1')],
      /^phases\/platform\.yaml:\d+: locations\[1\]\.id: duplicate location "us-west-1"/,
    ],
    [
      'an unknown service in a phase',
      [set(P2, ['services', 2], 'fotos')],
      /^phases\/phase-2\.yaml:\d+: services\[2\]: unknown service "fotos".*did you mean "photos"\?/,
    ],
    [
      'a misspelled field',
      [{ file: P1, raw: true, edit: (t: string) => t.replace('cutoverPercent:', 'cutoverPercnt:') }],
      /^phases\/phase-1\.yaml:\d+: \(document\): unknown field "cutoverPercnt"|^phases\/phase-1\.yaml:\d+: cutoverPercent: missing/,
    ],
    [
      'a missing field',
      [{ file: P1, edit: (doc: Doc) => doc.deleteIn(['workload']) }],
      /^phases\/phase-1\.yaml:\d+: workload: missing, expected string/,
    ],
    [
      'YAML that does not parse',
      [{ file: P3, raw: true, edit: (t: string) => t.replace('markets: [IN]', 'markets: [IN') }],
      /^phases\/phase-3\.yaml:\d+: \(document\): not valid YAML at column \d+: /,
    ],
    [
      'an allowed location that does not exist',
      [add(PLATFORM, ['markets', 0, 'allowedLocations'], 'eu-west-1')],
      /^phases\/platform\.yaml:\d+: markets\[0\]\.allowedLocations\[3\]: unknown location "eu-west-1"/,
    ],
    [
      'an unknown default environment',
      [set(PLATFORM, ['defaultEnvironment'], 'dmeo')],
      /^phases\/platform\.yaml:\d+: defaultEnvironment: unknown environment "dmeo".*did you mean "demo"\?/,
    ],
    [
      'an account ID that is not 12 digits',
      [set(PLATFORM, ['environments', 'demo', 'account'], '12345')],
      /^phases\/platform\.yaml:\d+: environments\.demo\.account: got "12345", expected a 12-digit AWS account ID/,
    ],
    [
      'a CIDR that is not a CIDR',
      [set(P1, ['locations', 0, 'vpcCidr'], '10.10.0.0/33')],
      /^phases\/phase-1\.yaml:\d+: locations\[0\]\.vpcCidr: got "10\.10\.0\.0\/33", expected an IPv4 CIDR block/,
    ],
    [
      'a partial cutover for a market whose data may not stay on legacy',
      [
        // us-west-1 stays allowed so that phase 1's CDN may still log Singapore's viewers
        set(PLATFORM, ['markets', 1, 'allowedLocations'], ['ap-southeast-1', 'us-west-1']),
        set(P2, ['cutoverPercent'], 60),
      ],
      /^phases\/phase-2\.yaml:\d+: cutoverPercent: market "SG" would keep 40% of its accounts traffic on bj-legacy/,
    ],
    [
      'CDN logs kept outside the phase',
      [set(P1, ['edge', 'logLocation'], 'us-west-2')],
      /^phases\/phase-1\.yaml:\d+: edge\.logLocation: "us-west-2" is not an AWS location of this phase/,
    ],
    [
      'a phase number that does not match its file',
      [set(P3, ['phase'], 4)],
      /^phases\/phase-3\.yaml:\d+: phase: phase 4 is in a file named "phase-3\.yaml", expected phase-4\.yaml/,
    ],
    [
      'a Fargate size that does not exist',
      [set(PLATFORM, ['services', 0, 'memoryMiB'], 8192)],
      /^phases\/platform\.yaml:\d+: services\[0\]\.memoryMiB: 8192 MiB does not fit cpu 512 on Fargate, expected 1024 to 4096/,
    ],
    [
      'a market code that is two capitals but no country (would fail later in Route 53 and CloudFront)',
      [set(PLATFORM, ['markets', 0, 'code'], 'XX')],
      /^phases\/platform\.yaml:\d+: markets\[0\]\.code: got "(XX|EU)", expected an assigned ISO 3166-1 alpha-2 country code/,
    ],
    [
      'a grouping that ICU names but that is no country',
      [set(PLATFORM, ['markets', 0, 'code'], 'EU')],
      /^phases\/platform\.yaml:\d+: markets\[0\]\.code: got "(XX|EU)", expected an assigned ISO 3166-1 alpha-2 country code/,
    ],
    [
      'an AWS location without a VPC',
      [{ file: P3, edit: (doc: Doc) => doc.deleteIn(['locations', 0, 'vpcCidr']) }],
      /^phases\/phase-3\.yaml:\d+: locations\[0\]\.vpcCidr: location "ap-south-1" has no vpcCidr, expected an IPv4 CIDR block for its VPC/,
    ],
    [
      "China's data allowed outside China (PIPL and the Cybersecurity Law keep it there)",
      [add(PLATFORM, ['markets', 12, 'allowedLocations'], 'us-west-1')],
      /^phases\/platform\.yaml:\d+: markets\[12\]\.allowedLocations\[1\]: "us-west-1" is in US, but CN's data must stay in CN \(dataStaysIn: CN; PIPL .*\), expected only locations in CN: the AWS region\(s\) cn-north-1, cn-northwest-1 or a provider site with country: CN/,
    ],
    [
      'a provider site managed from a region its market does not allow (replication runs there)',
      [
        set(PLATFORM, ['markets', 8, 'allowedLocations'], ['br-sao-paulo', 'bj-legacy']),
        // Blocked at the CDN, whose logs are in us-west-1 too, so only the replication path is left.
        set(P1, ['edge', 'blockedMarkets'], ['CN', 'RU', 'BR']),
      ],
      /^phases\/phase-3\.yaml:\d+: locations\[1\]\.markets: BR's shop rows reach "br-sao-paulo" through its home region us-west-1, where replication runs, and BR does not allow it/,
    ],
    [
      "a provider's network that overlaps a phase's VPC",
      [set(PLATFORM, ['locations', 4, 'networks', 0], '10.50.0.0/16')],
      /^phases\/platform\.yaml:\d+: locations\[4\]\.networks\[0\]: 10\.50\.0\.0\/16 overlaps|^phases\/phase-3\.yaml:\d+: locations\[0\]\.vpcCidr: 10\.50\.0\.0\/16 overlaps 10\.50\.0\.0\/16 of the network of br-sao-paulo/,
    ],
    [
      'hosts registered on an AWS location (only provider sites have hosts)',
      [set(P3, ['locations', 0, 'hostsRegistered'], true)],
      /^phases\/phase-3\.yaml:\d+: locations\[0\]\.hostsRegistered: AWS location "ap-south-1" has hostsRegistered/,
    ],
    [
      'a first phase of a service with no rest-of-world location',
      [
        {
          file: P2,
          raw: true,
          edit: (t: string) => t.replace('markets: [US, MX, TH, TR, "*"]', 'markets: [US, MX, TH, TR]'),
        },
      ],
      /^phases\/phase-2\.yaml:\d+: locations: service "accounts" starts in this phase but no location serves "\*"/,
    ],
    [
      'a location serving the rest of the world for one service in two phases',
      [
        {
          file: P3,
          raw: true,
          edit: (t: string) =>
            t.replace(
              'markets: [IN]',
              'markets: [IN]\n  - location: us-west-1\n    vpcCidr: 10.100.0.0/16\n    markets: ["*"]',
            ),
        },
      ],
      /^phases\/phase-3\.yaml:\d+: locations\[1\]\.markets: "us-west-1" already serves "\*" for shop in phase 1/,
    ],
    [
      'a legacy schema with no tables listed',
      [{ file: PLATFORM, edit: (doc: Doc) => doc.deleteIn(['services', 0, 'database', 'legacyTables']) }],
      /^phases\/platform\.yaml:\d+: services\[0\]\.database\.legacyTables: missing while legacySchema "shop" is set, expected the exact names of the tables/,
    ],
    [
      'an empty list of legacy tables',
      [set(PLATFORM, ['services', 1, 'database', 'legacyTables'], [])],
      /^phases\/platform\.yaml:\d+: services\[1\]\.database\.legacyTables: got \[\], expected .*1/,
    ],
    [
      'legacy tables with no legacy schema',
      [{ file: PLATFORM, edit: (doc: Doc) => doc.deleteIn(['services', 2, 'database', 'legacySchema']) }],
      /^phases\/platform\.yaml:\d+: services\[2\]\.database\.legacyTables: listed without legacySchema, expected legacySchema/,
    ],
    [
      'a wildcard legacy table (DMS ignores market filters on wildcard tables)',
      [set(PLATFORM, ['services', 0, 'database', 'legacyTables', 0], 'order%')],
      /^phases\/platform\.yaml:\d+: services\[0\]\.database\.legacyTables\[0\]: got "order%", expected a table name .*no DMS wildcards/,
    ],
    [
      'a legacy table named with a DMS character set',
      [set(PLATFORM, ['services', 3, 'database', 'legacyTables', 1], 'photo[s]')],
      /^phases\/platform\.yaml:\d+: services\[3\]\.database\.legacyTables\[1\]: got "photo\[s\]", expected a table name/,
    ],
    [
      'a legacy table listed twice',
      [add(PLATFORM, ['services', 0, 'database', 'legacyTables'], 'orders')],
      /^phases\/platform\.yaml:\d+: services\[0\]\.database\.legacyTables\[4\]: table "orders" listed twice, expected each once/,
    ],
    [
      "the README's Vietnam recipe without deciding what the CDN does with Vietnam",
      [
        add(PLATFORM, ['markets'], {
          code: 'VN',
          name: 'Vietnam',
          allowedLocations: ['ap-southeast-1', 'bj-legacy'],
          canaryRegion: 'ap-southeast-1',
        }),
        add(P1, ['locations', 1, 'markets'], 'VN'),
      ],
      /^phases\/phase-1\.yaml:\d+: edge\.blockedMarkets: market "VN" does not allow "us-west-1", where edge\.logLocation keeps the CDN's logs of viewer IPs, and is not blocked; expected one of: add "us-west-1" to VN's allowedLocations, move edge\.logLocation .*, or list VN in edge\.blockedMarkets/,
    ],
    [
      'CDN logs moved where a viewer market may not be logged',
      [set(P1, ['edge', 'logLocation'], 'ap-southeast-1')],
      /^phases\/phase-1\.yaml:\d+: edge\.blockedMarkets: market "US" does not allow "ap-southeast-1".*list US in edge\.blockedMarkets/,
    ],
    [
      'a market that may not be logged where the CDN logs are, unblocked',
      [set(P1, ['edge', 'blockedMarkets'], ['RU'])],
      /^phases\/phase-1\.yaml:\d+: edge\.blockedMarkets: market "CN" does not allow "us-west-1"/,
    ],
    [
      'an unknown market blocked at the CDN',
      [add(P1, ['edge', 'blockedMarkets'], 'CM')],
      /^phases\/phase-1\.yaml:\d+: edge\.blockedMarkets\[2\]: unknown market "CM".*did you mean "CN"\?/,
    ],
    [
      'a market blocked twice at the CDN',
      [add(P1, ['edge', 'blockedMarkets'], 'CN')],
      /^phases\/phase-1\.yaml:\d+: edge\.blockedMarkets\[2\]: market "CN" listed twice, expected each once/,
    ],
    [
      'the rest of the world blocked at the CDN',
      [add(P1, ['edge', 'blockedMarkets'], '*')],
      /^phases\/phase-1\.yaml:\d+: edge\.blockedMarkets\[2\]: got "\*", expected a declared market code such as "CN" \(not "\*"/,
    ],
    [
      'an availability goal above 100 %',
      [set(PLATFORM, ['goals', 'defaults', 'availabilityPercent'], 100.5)],
      /^phases\/platform\.yaml:\d+: goals\.defaults\.availabilityPercent: got 100\.5, expected a percentage no greater than 100/,
    ],
    [
      "a market's availability goal of 0 %",
      [set(PLATFORM, ['markets', 1, 'goals', 'availabilityPercent'], 0)],
      /^phases\/platform\.yaml:\d+: markets\[1\]\.goals\.availabilityPercent: got 0, expected a share of successful probes above 0/,
    ],
    [
      'a latency goal slower than the probe timeout',
      [set(PLATFORM, ['markets', 7, 'goals', 'latencyP90Ms'], 15_000)],
      /^phases\/platform\.yaml:\d+: markets\[7\]\.goals\.latencyP90Ms: got 15000, expected at most 10000 ms: a probe still unanswered then counts as failed/,
    ],
    [
      'an unknown goal field',
      [set(PLATFORM, ['markets', 1, 'goals', 'latencyP99Ms'], 300)],
      /^phases\/platform\.yaml:\d+: markets\[1\]\.goals: unknown field "latencyP99Ms"/,
    ],
    [
      'a canary region that is not an AWS region code',
      [set(PLATFORM, ['markets', 4, 'canaryRegion'], 'ap-southeast-55')],
      /^phases\/platform\.yaml:\d+: markets\[4\]\.canaryRegion: unknown AWS region "ap-southeast-55", expected one of: .*\(did you mean "ap-southeast-5"\?\)/,
    ],
    [
      'a canary in the edge region',
      [set(PLATFORM, ['markets', 0, 'canaryRegion'], 'us-east-1')],
      /^phases\/platform\.yaml:\d+: markets\[0\]\.canaryRegion: "us-east-1" holds only the CDN's edge resources .*expected another region near United States's users/,
    ],
    [
      'a served market with no canary region',
      [{ file: PLATFORM, edit: (doc: Doc) => doc.deleteIn(['markets', 8, 'canaryRegion']) }],
      /^phases\/platform\.yaml:\d+: markets\[8\]: market "BR" has no canaryRegion, but phase 3 serves it, expected canaryRegion: the AWS region nearest Brazil's users/,
    ],
    [
      'an availability goal one failed probe breaks (99.99 % of 1,440 probes a day)',
      [set(PLATFORM, ['goals', 'defaults', 'availabilityPercent'], 99.99)],
      /^phases\/platform\.yaml:\d+: goals\.defaults\.availabilityPercent: 99\.99 % cannot be told from a single failed probe for US, SG, HK, TW, MY, ID, PH, IN, BR, MX, TH, TR: phase 1 probes a market 1440 times per 24-hour window, so one failure already reads 99\.93 %; expected at most 99\.93/,
    ],
    [
      "a market's availability goal its window cannot resolve",
      [set(PLATFORM, ['goals', 'availabilityWindowHours'], 1)],
      /^phases\/platform\.yaml:\d+: goals\.defaults\.availabilityPercent: 99\.9 % cannot be told from a single failed probe for .*: phase 1 probes a market 60 times per 1-hour window, so one failure already reads 98\.33 %/,
    ],
    [
      'a latency window too short for a 90th percentile',
      [set(PLATFORM, ['goals', 'latencyWindowMinutes'], 5)],
      /^phases\/platform\.yaml:\d+: goals\.latencyWindowMinutes: a 5-minute window holds 5 probe\(s\) of a market at one every 1 minute\(s\), .*expected at least 10 minutes/,
    ],
  ])('fails if the plan has %s', (_name, mutations, expected) => {
    // WHEN
    const found = problems(...mutations);
    // THEN the problem is reported with file, line and path
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  test('the runbook\'s first step for Vietnam loads: named out of "*" where "*" served it, at the state of that copy', () => {
    // GIVEN Vietnam declared, as part of the rest of the world until now, allowing where its rows are
    const vn = ['VN', 'ready'] as const;
    const found = problems(
      add(PLATFORM, ['markets'], {
        code: 'VN',
        name: 'Vietnam',
        allowedLocations: ['ap-southeast-1', 'us-west-1', 'us-west-2', 'bj-legacy'],
        canaryRegion: 'ap-southeast-1',
        formerlyRestOfWorld: true,
      }),
      // WHEN the sites serving "*" name it, its rows there at the state of their "*" copy
      add(P1, ['locations', 0, 'markets'], 'VN'),
      set(P1, ['locations', 0, 'data', 'shop', vn[0]], vn[1]),
      add(P2, ['locations', 0, 'markets'], 'VN'),
      ...['accounts', 'messaging', 'photos'].map((s) => set(P2, ['locations', 0, 'data', s, vn[0]], vn[1])),
    );
    // THEN the plan loads
    expect(found).toEqual([]);
  });

  test('reports a YAML syntax error once, at its own line and column, not at the top of the file', () => {
    // GIVEN a tab as indentation deep in platform.yaml (the parser reports several errors from it)
    const { platform } = defaultPlanSources();
    const lines = platform.text.split('\n');
    const line = lines.indexOf('  - id: us-west-2') + 2;
    // WHEN
    const found = problems({
      file: PLATFORM,
      raw: true,
      edit: (t: string) =>
        t
          .split('\n')
          .map((l, i) => (i === line - 1 ? `\t${l.trimStart()}` : l))
          .join('\n'),
    });
    // THEN one problem, where the tab is
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(`^phases/platform\\.yaml:${line}: \\(document\\): not valid YAML at column 1: Tabs are not allowed`),
      ),
    ]);
  });

  test('reports one syntax error per broken file, each in its own file', () => {
    const found = problems(
      { file: P1, raw: true, edit: (t: string) => t.replace('services: [shop]', 'services: [shop') },
      { file: P2, raw: true, edit: (t: string) => `${t}\n\tbroken: true\n` },
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^phases\/phase-1\.yaml:\d+: \(document\): not valid YAML at column \d+: /);
    expect(found[1]).toMatch(/^phases\/phase-2\.yaml:\d+: \(document\): not valid YAML at column 1: /);
  });

  // A misspelled name is reported where it is written; a correct reference to the name it
  // should have been is not reported as wrong, let alone told to become the typo.
  test.each<[string, Mutation, RegExp, RegExp]>([
    [
      'a misspelled service in the phase, with edge.apiService spelled right',
      { file: P1, raw: true, edit: (t: string) => t.replace('services: [shop]', 'services: [shopp]') },
      /^phases\/phase-1\.yaml:\d+: services\[0\]: unknown service "shopp".*did you mean "shop"\?/,
      /apiService/,
    ],
    [
      'a misspelled location in the phase, with edge.logLocation spelled right',
      set(P1, ['locations', 0, 'location'], 'us-wets-1'),
      /^phases\/phase-1\.yaml:\d+: locations\[0\]\.location: unknown location "us-wets-1".*did you mean "us-west-1"\?/,
      /logLocation/,
    ],
    [
      "a misspelled allowed location of a market, with the phase's location spelled right",
      set(PLATFORM, ['markets', 0, 'allowedLocations'], ['us-wets-1', 'us-west-2', 'bj-legacy']),
      /^phases\/platform\.yaml:\d+: markets\[0\]\.allowedLocations\[0\]: unknown location "us-wets-1".*did you mean "us-west-1"\?/,
      /may not have its data|does not allow "us-west-1"/,
    ],
  ])('does not cascade from %s', (_name, mutation, reported, notReported) => {
    // WHEN
    const found = problems(mutation);
    // THEN the typo is reported, and nothing else points at the correct value
    expect(found).toEqual([expect.stringMatching(reported)]);
    expect(found.join('\n')).not.toMatch(notReported);
  });

  test('still reports a misspelled edge.apiService itself, suggesting the right name', () => {
    const found = problems(set(P1, ['edge', 'apiService'], 'shopp'));
    expect(found).toEqual([
      expect.stringMatching(
        /^phases\/phase-1\.yaml:\d+: edge\.apiService: "shopp" is not a service of this phase, expected one of: shop \(did you mean "shop"\?\)/,
      ),
    ]);
  });

  test('reports every problem at once, across files', () => {
    // GIVEN three independent mistakes in two files
    const found = problems(
      set(P1, ['cutoverPercent'], 101),
      set(P1, ['locations', 0, 'vpcCidr'], 'nonsense'),
      set(PLATFORM, ['services', 1, 'cpu'], 300),
    );
    // THEN all three are listed
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/phase-1\.yaml:\d+: cutoverPercent/);
    expect(found.join('\n')).toMatch(/phase-1\.yaml:\d+: locations\[0\]\.vpcCidr/);
    expect(found.join('\n')).toMatch(/platform\.yaml:\d+: services\[1\]\.cpu/);
  });

  test('the error message lists every problem and says nothing was synthesized', () => {
    const { platform, phases } = defaultPlanSources();
    const broken = { ...platform, text: platform.text.replace('region: us-west-1', 'region: us-west-9') };
    expect(() => loadPlan(broken, phases)).toThrow(
      /has 1 problem; nothing was synthesized:\n {2}phases\/platform\.yaml:\d+: locations\[0\]\.region/,
    );
  });
});

describe('Russia stays on the legacy data center: 242-FZ keeps its data in Russia, where the plan has no location', () => {
  const plan = defaultPlan();
  const ru = plan.platform.markets.findIndex((m) => m.code === 'RU');

  test('no phase serves it, the CDN refuses it, and every service answers it from legacy, as today', () => {
    expect(plan.market('RU')).toMatchObject({ allowedLocations: [], dataStaysIn: 'RU' });
    expect(plan.sites().filter((s) => s.site.markets.includes('RU'))).toEqual([]);
    expect(plan.cdnAudience(plan.phase(1)).blocked).toContain('RU');
    for (const service of plan.platform.services.map((s) => s.name)) {
      expect(plan.routes(service).find((r) => r.market === 'RU')).toMatchObject({
        served: false,
        targets: [{ setIdentifier: 'legacy', weight: 100 }],
      });
    }
  });

  // Every AWS location of every phase, one case each (a phase reports a market served twice once).
  const awsSites = plan
    .sites()
    .filter((s) => s.location.kind === 'aws')
    .map((s) => [s.phase.phase, s.location.id, s.phase.locations.indexOf(s.site)] as const);

  test('the cases below cover every AWS location of the plan, the new regions included', () => {
    expect(awsSites.map(([, location]) => location)).toEqual(
      expect.arrayContaining(['us-west-1', 'ap-south-1', 'mx-central-1', 'ap-southeast-7', 'eu-central-1']),
    );
  });

  test.each(awsSites)('fails if phase %i serves RU from %s, naming the law', (phase, location, index) => {
    // WHEN RU is added to the location's markets, allowedLocations untouched
    const found = problems(add(`phases/phase-${phase}.yaml`, ['locations', index, 'markets'], 'RU'));
    // THEN it is refused, with the reason from the plan
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^phases/phase-${phase}\\.yaml:\\d+: locations\\[${index}\\]\\.markets\\[\\d+\\]: market "RU" may not have its data in "${location}" \\(${AWS_REGION_COUNTRIES[location]}\\), expected a location it allows: none yet \\(RU: Federal Law 242-FZ keeps Russian citizens' personal data in databases in Russia`,
          ),
        ),
      ]),
    );
  });

  test('fails if RU is allowed in any AWS region, so no edit of allowedLocations can serve it from one', () => {
    // GIVEN every AWS region as a plan location, each allowed for RU
    const regions = Object.keys(AWS_REGION_COUNTRIES);
    const ids = regions.map((region) => plan.awsLocationOfRegion(region) ?? region);
    const found = problems(
      ...regions
        .filter((region) => !plan.awsLocationOfRegion(region))
        .map((region) => add(PLATFORM, ['locations'], { id: region, kind: 'aws', region })),
      set(PLATFORM, ['markets', ru, 'allowedLocations'], ids),
    );
    // THEN every one of them is refused, none is in Russia
    ids.forEach((id, j) => {
      expect(found).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              `^phases/platform\\.yaml:\\d+: markets\\[${ru}\\]\\.allowedLocations\\[${j}\\]: "${id}" is in ${AWS_REGION_COUNTRIES[regions[j]]}, but RU's data must stay in RU \\(dataStaysIn: RU; Federal Law 242-FZ .*\\), expected only locations in RU: no AWS region is there; a provider site with country: RU$`,
            ),
          ),
        ]),
      );
    });
  });

  test('a provider site in Russia is the one location the plan would accept for RU', () => {
    // GIVEN a local provider in Moscow, allowed for RU (no phase serves it yet)
    const found = problems(
      add(PLATFORM, ['locations'], {
        id: 'ru-moscow',
        kind: 'provider',
        country: 'RU',
        provider: 'Moscow colocation partner',
        city: 'Moscow',
        endpoint: 'edge.ru-msk.partner.example.net',
        homeRegion: 'eu-central-1',
        vpnPeerAddress: '198.51.100.30',
        bgpAsn: 65030,
        networks: ['172.21.0.0/16'],
        database: { endpoint: 'db.ru-msk.partner.example.net', port: 5432, engine: 'postgres' },
      }),
      set(PLATFORM, ['markets', ru, 'allowedLocations'], ['ru-moscow']),
    );
    // THEN the plan loads: the localization check refuses places, not Russia
    expect(found).toEqual([]);
  });
});
