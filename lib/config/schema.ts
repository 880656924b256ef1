import { z } from 'zod';
import { PROBE_TIMEOUT_MS } from '../canary/goal-contract';

/**
 * The structure of the plan files in `phases/`. Structure only: references between
 * files (a phase naming a location, a market allowing a location) are checked in
 * `semantic-checks.ts` once every file has parsed.
 *
 * The JSON Schemas in `schemas/` are generated from these (`npm run schema`), so editors
 * complete and flag the same fields synth does.
 */

const id = (what: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, `a lower-case ${what} such as "us-west-1" (letters, digits, dashes)`);

/** Region codes ICU names that are not ISO 3166-1 countries (groupings, reserved and private codes). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'XK', 'AC', 'CP', 'DG', 'EA', 'IC', 'TA']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * Whether a two-letter code is an ISO 3166-1 country, by the ICU data Node ships (which names
 * every assigned code and echoes an unassigned one back): Route 53 geolocation and CloudFront
 * geo restriction accept only those.
 */
export function isIsoCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.has(code) && regionNames.of(code) !== code;
}

export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code in capitals, such as "SG"')
  .refine(isIsoCountry, 'an assigned ISO 3166-1 alpha-2 country code, such as "SG" (this one names no country)');

/** Where a location's copy of a service's rows stands (see PhaseLocationSchema.data). */
export const DATA_STATES = ['copying', 'ready', 'finished'] as const;
export type DataState = (typeof DATA_STATES)[number];

/** `*` stands for every country not listed as a market: Route 53's geolocation default. */
export const REST_OF_WORLD = '*';

const Hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'a lower-case DNS name such as "shop.example.com"',
  );
const AccountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account ID in quotes, such as "111111111111"');
const Asn = z.number().int().min(1).max(4294967294);
const Cidr = z.cidrv4({ message: 'an IPv4 CIDR block such as "10.10.0.0/16"' });
const Ipv4 = z.ipv4({ message: 'an IPv4 address such as "203.0.113.10"' });

export const EnvironmentSchema = z
  .strictObject({
    account: AccountId.describe('The AWS account every stack of this environment deploys to.'),
    domainName: Hostname.describe('The public domain whose hosted zone this environment writes records into.'),
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{4,31}$/, 'a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"')
      .describe('The existing public hosted zone for domainName. Imported by ID, never looked up.'),
    alarmEmail: z
      .email({ message: 'an e-mail address' })
      .optional()
      .describe('Where alarm notifications go. Default: no subscription (attach paging to the topic).'),
  })
  .describe('One deployment target: an account and its public DNS zone.');

export const LegacySchema = z.strictObject({
  id: id('location id').describe('The id markets use in allowedLocations to name the legacy data center.'),
  name: z.string().min(1).describe('The data center as people call it.'),
  country: CountryCode.describe('Whose law governs the data stored there.'),
  originHostname: Hostname.describe('The public name that serves the legacy site; cutover weights point here.'),
  cidr: Cidr.describe('The data center network; AWS VPCs must not overlap it.'),
  vpnPeerAddress: Ipv4.describe("The public address of the data center's VPN device."),
  bgpAsn: Asn.describe("The data center's BGP autonomous system number."),
  database: z.strictObject({
    endpoint: Hostname.describe('The legacy database host, reached over the VPN.'),
    port: z.number().int().min(1).max(65535),
    engine: z.enum(['postgres', 'mysql']).describe('The legacy engine; replication converts to Aurora PostgreSQL.'),
    name: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, 'a database name')
      .describe('The legacy database.'),
    marketColumn: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, 'a column name')
      .describe(
        'The column every replicated table has, holding the ISO code of the market a row belongs to. Never updated after a row is created: DMS filters only immutable columns reliably, so a user who changes market is moved with a delete and an insert.',
      ),
  }),
});

const LatencyP90Ms = z
  .number()
  .int('a whole number of milliseconds')
  .min(1, 'expected at least 1 ms')
  .max(
    PROBE_TIMEOUT_MS,
    `expected at most ${PROBE_TIMEOUT_MS} ms: a probe still unanswered then counts as failed, so a slower goal could never be measured`,
  );
const AvailabilityPercent = z
  .number()
  .gt(0, 'expected a share of successful probes above 0')
  .max(100, 'expected a percentage no greater than 100 (the share of probes that succeed)');

/** What a market's users should get from a phase, as absolute thresholds its canary measures. */
export const GoalSchema = z.strictObject({
  latencyP90Ms: LatencyP90Ms.describe(
    "At most this many milliseconds for 9 probes in 10 over the latency window: one request on a new connection (DNS, TCP, TLS, the response's last byte) from the market's canary region.",
  ),
  availabilityPercent: AvailabilityPercent.describe(
    'At least this share of probes over the availability window answered 2xx or 3xx within the probe timeout.',
  ),
});

export const MarketSchema = z.strictObject({
  code: CountryCode.describe('The country this market is.'),
  name: z.string().min(1),
  allowedLocations: z
    .array(id('location id'))
    .describe("Locations where this market's users' personal data may live. Empty: nowhere yet (stays unserved)."),
  note: z.string().optional().describe('Why the list is what it is (the law, the contract).'),
  dataStaysIn: CountryCode.optional().describe(
    "The country whose law requires this market's personal data to be stored there (data localization, such as RU under Federal Law 242-FZ): every allowed location must be in that country, so no edit of allowedLocations can place the data abroad unnoticed. Default: no such requirement; allowedLocations alone decides.",
  ),
  canaryRegion: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The AWS region nearest this market's users, where its goal canaries run. Required once a phase serves the market. Probes carry no personal data, so it need not be an allowed location.",
    ),
  goals: GoalSchema.partial()
    .optional()
    .describe("This market's own goals, each replacing goals.defaults. Default: goals.defaults."),
  formerlyRestOfWorld: z
    .boolean()
    .default(false)
    .describe(
      'Whether this market was part of the rest of the world ("*") before it was declared. Its users were then served, and its rows copied, as rest-of-world rows at the first site serving "*" for each service: they stay there (each such site names it, at the state of its "*" copy), and each of those locations must be one it allows, or be listed in removeRowsFrom. **CAUTION**: a market declared without it, while a site serves "*", is refused by the transition gate. Default: false (declared from the start).',
    ),
  removeRowsFrom: z
    .array(id('location id'))
    .default([])
    .describe(
      "Locations that hold this market's rows, copied there as rest-of-world rows, where it may not keep them: the rows must be deleted there (the report lists them as an action), and no phase serves the market there. Default: none.",
    ),
});

export const PlanGoalsSchema = z
  .strictObject({
    probeEveryMinutes: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(1)
      .describe(
        'How often each canary probes every service of its phase (Synthetics runs at most once a minute). Default: 1.',
      ),
    latencyWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(60)
      .describe('The window whose 90th percentile latency is compared with latencyP90Ms. Default: 60.'),
    availabilityWindowHours: z
      .number()
      .int()
      .min(1)
      .max(24)
      .default(24)
      .describe(
        'The window whose share of successful probes is compared with availabilityPercent (CloudWatch alarms look back at most a day). Default: 24.',
      ),
    defaults: GoalSchema.describe("Every market's goals unless it sets its own."),
  })
  .describe(
    "Per-market goals each phase's exit criteria check: canaries near each market it serves probe its services, one alarm per market and goal, one composite alarm per phase.",
  );

const AwsLocationSchema = z.strictObject({
  id: id('location id'),
  kind: z.literal('aws'),
  region: z.string().min(1).describe('The AWS region code, such as "ap-southeast-1".'),
});

const ProviderLocationSchema = z.strictObject({
  id: id('location id'),
  kind: z.literal('provider'),
  country: CountryCode.describe('Where the site is, and so whose law governs its data.'),
  provider: z.string().min(1).describe("The local provider's name."),
  city: z.string().min(1),
  endpoint: Hostname.describe('The public name of the service endpoint the provider runs.'),
  homeRegion: z
    .string()
    .min(1)
    .describe(
      "The AWS region whose stacks manage the site: routing, health checks, the VPN, and the replication into the site's database (so the rows it copies pass through this region).",
    ),
  vpnPeerAddress: Ipv4.describe("The public address of the provider's VPN device."),
  bgpAsn: Asn.describe("The provider site's BGP autonomous system number."),
  networks: z
    .array(Cidr)
    .min(1)
    .describe("The site's private networks the VPN reaches (its database is in one of them)."),
  database: z
    .strictObject({
      endpoint: Hostname.describe("The site's database host, reached over the VPN."),
      port: z.number().int().min(1).max(65535),
      engine: z.literal('postgres').describe('The engine the site runs; replication writes PostgreSQL.'),
    })
    .describe("The site's database, which replication fills with its markets' rows (one database per service)."),
});

export const LocationSchema = z.discriminatedUnion('kind', [AwsLocationSchema, ProviderLocationSchema]);

export const ServiceSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,20}$/, 'a short lower-case name such as "shop"')
    .describe('Also the service hostname label: <name>.<domainName>.'),
  description: z.string().min(1),
  image: z.string().min(1).describe('The container image, pinned by tag or digest.'),
  containerPort: z.number().int().min(1).max(65535),
  healthCheckPath: z.string().regex(/^\/[\w\-./]*$/, 'an absolute URL path such as "/healthz"'),
  cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]),
  memoryMiB: z.number().int().min(512).max(30720),
  database: z
    .strictObject({
      minCapacityAcu: z.number().min(0.5).max(256),
      maxCapacityAcu: z.number().min(1).max(256),
      legacySchema: z
        .string()
        .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, 'a schema name')
        .optional()
        .describe("The legacy schema this service's data comes from. Default: no replication."),
      // Plain identifiers only: DMS applies row filters only to tables selected by exact name, and
      // reads %, _ and [...] in a name as wildcards. The `_` of a valid name is escaped on output.
      // https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.Filters.html
      legacyTables: z
        .array(
          z
            .string()
            .regex(
              /^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/,
              'a table name such as "order_items" (letters, digits, underscores; no DMS wildcards % [ ])',
            ),
        )
        .min(1)
        .optional()
        .describe(
          'The tables of legacySchema to replicate, each by its exact name and each with the legacy market column. Required with legacySchema.',
        ),
    })
    .optional()
    .describe('An Aurora PostgreSQL Serverless v2 cluster for this service. Default: none.'),
  objectStore: z
    .boolean()
    .default(false)
    .describe('A private, encrypted bucket for user content (photos). Default: none.'),
});

export const PlatformSchema = z
  .strictObject({
    defaultEnvironment: z.string().min(1),
    environments: z.record(z.string().regex(/^[a-z][a-z0-9]*$/, 'a lower-case environment name'), EnvironmentSchema),
    legacy: LegacySchema,
    markets: z.array(MarketSchema).min(1),
    locations: z.array(LocationSchema).min(1),
    services: z.array(ServiceSchema).min(1),
    goals: PlanGoalsSchema,
    organization: z
      .strictObject({
        managementAccount: AccountId.describe(
          'The AWS Organizations management account that owns service control policies.',
        ),
        targetIds: z
          .array(
            z
              .string()
              .regex(/^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}|\d{12})$/, 'an OU ID, root ID or account ID'),
          )
          .min(1)
          .describe('Where the region-deny policy is attached.'),
      })
      .optional()
      .describe('Region guardrail from the plan. Default: no guardrails stack.'),
  })
  .describe('What exists regardless of phase: environments, the legacy data center, markets, locations, services.');

const Percent = z.number().int('a whole number').min(0).max(100);

export const PhaseLocationSchema = z.strictObject({
  location: id('location id').describe('A location id from platform.yaml.'),
  vpcCidr: Cidr.optional().describe(
    "The VPC for this phase in this location: an AWS location's own, or a provider site's network in its home region (VPNs and replication).",
  ),
  markets: z
    .array(z.union([CountryCode, z.literal(REST_OF_WORLD)]))
    .min(1)
    .describe('Markets whose users this location serves in this phase; "*" is every unlisted country.'),
  minTasks: z.number().int().min(1).max(100).default(2).describe('Fewest tasks per service. Default: 2.'),
  maxTasks: z.number().int().min(1).max(200).default(10).describe('Most tasks per service. Default: 10.'),
  hostsRegistered: z
    // A boolean is what earlier plans said; it is read only from a deployed plan (see loadPlan's `deployed`).
    .union([z.number().int().min(0).max(100), z.boolean()])
    .default(0)
    .describe(
      "Provider sites only: how many of the provider's hosts are registered with the site's ECS Anywhere cluster. Each task takes fixed host ports, so a host runs one task of each service: minTasks and maxTasks may not exceed it. Until a host is registered (0) each service runs no task, so a deploy never waits for machines that are not there. Default: 0.",
    ),
  data: z
    .record(
      z.string(),
      z.union([z.record(z.string(), z.enum(DATA_STATES)), z.enum(DATA_STATES)], {
        error: 'one state per market, such as { SG: ready, VN: copying }, each copying, ready or finished',
      }),
    )
    .default({})
    .describe(
      "Per service and market, where this location's copy of that market's rows stands, such as `shop: { SG: ready, HK: ready, VN: copying }` (\"*\" for the rest of the world). copying: rows are being copied here (full load, then change capture); no record sends the market's users here. ready: an engineer validated the copy after full load; users may come while copying continues. finished: write freeze, final sync and validation are done; this location is the system of record for the market, and its replication goes once every market of it is finished. Once a service lists any market, it lists every market the location serves: a market added to the site starts copying, whatever the others are, and says so. Default: copying for every market of every service with a database.",
    ),
  truncateBeforeLoad: z
    .array(z.string())
    .default([])
    .describe(
      "Services whose replication into this location is replaced (a table added, a market's filter changed) while every market's rows here are still copying: the new replication's full load truncates the target tables first (DMS TargetTablePrepMode TRUNCATE_BEFORE_LOAD), so it does not fail on rows the previous load left. Refused once any market here is ready: the truncation would erase what users wrote. Keep it afterwards: removing it is another change of the replication. Default: none (DO_NOTHING: a full load never touches rows already there).",
    ),
});

export const PhaseSchema = z
  .strictObject({
    phase: z.number().int().min(1).max(9),
    name: z.string().min(1),
    workload: id('workload name').describe('Names the stacks: migration-p<phase>-<workload>-...'),
    services: z.array(z.string()).min(1).describe('Service names from platform.yaml that this phase deploys.'),
    cutoverPercent: z
      .union([Percent, z.record(z.string(), Percent)], {
        error: 'a whole number from 0 to 100, or one per service such as { shop: 10, accounts: 0 }',
      })
      .describe(
        "Share of each served market's traffic sent to this phase's locations, one number for every service or one per service (`{ shop: 10, accounts: 0 }`, every service of the phase listed); the rest stays where it was. It applies to the markets whose rows are ready at their location: a copying market's users stay where they are whatever the number.",
      ),
    edge: z
      .strictObject({
        hostname: z.string().regex(/^[a-z0-9-]{1,63}$/, 'one DNS label such as "www"'),
        apiService: z.string().describe('The service whose regional name receives /api/*.'),
        logLocation: id('location id').describe('The AWS location that keeps CloudFront access logs (they hold IPs).'),
        // Country codes only, never "*": CloudFront's geo restriction names countries, and the rest
        // of the world has no residency constraint, so it never has to be refused for where the
        // logs are. Refusing every undeclared country would be a business decision, not residency.
        blockedMarkets: z
          .array(
            z
              .string()
              .regex(
                /^[A-Z]{2}$/,
                'a declared market code such as "CN" (not "*": the rest of the world may be logged anywhere)',
              ),
          )
          .default([])
          .describe(
            'Markets the CDN refuses; they keep using the legacy site. Every market that does not allow logLocation must be listed: nothing is blocked implicitly. Default: none.',
          ),
      })
      .optional()
      .describe('Static pages behind CloudFront. Default: no CDN in this phase.'),
    locations: z.array(PhaseLocationSchema).min(1),
  })
  .describe('One migration phase: what moves, where to, for which markets, and how much traffic.');

export type PlatformConfig = z.output<typeof PlatformSchema>;
export type PhaseConfig = z.output<typeof PhaseSchema>;
export type MarketConfig = z.output<typeof MarketSchema>;
export type GoalConfig = z.output<typeof GoalSchema>;
export type PlanGoalsConfig = z.output<typeof PlanGoalsSchema>;
export type LocationConfig = z.output<typeof LocationSchema>;
export type AwsLocationConfig = Extract<LocationConfig, { kind: 'aws' }>;
export type ProviderLocationConfig = Extract<LocationConfig, { kind: 'provider' }>;
export type ServiceConfig = z.output<typeof ServiceSchema>;
export type EnvironmentConfig = z.output<typeof EnvironmentSchema>;
export type PhaseLocationConfig = z.output<typeof PhaseLocationSchema>;
