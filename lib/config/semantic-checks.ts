import { canaryTimeoutSeconds, PROBE_TIMEOUT_MS } from '../canary/goal-contract';
import { AWS_REGION_COUNTRIES, EDGE_REGION, isKnownAwsRegion } from './aws-regions';
import { checkData, type DataCheckOptions } from './data-checks';
import { MigrationPlan } from './migration-plan';
import { describeValue, type PlanIssue } from './plan-error';
import { type PhaseConfig, type PlatformConfig, REST_OF_WORLD, type ServiceConfig } from './schema';
import { expectedOneOf } from './suggest';

/** A phase file that passed the schema. */
export interface ParsedPhase {
  readonly file: string;
  readonly config: PhaseConfig;
}

type Report = (file: string, path: (string | number)[], message: string) => void;

/**
 * The meaning checks: every reference resolves, no two things clash, every market is served
 * only where its data may live. Runs once all files passed the schema; reports every problem.
 */
export function checkPlan(
  platformFile: string,
  platform: PlatformConfig,
  phases: readonly ParsedPhase[],
  options: DataCheckOptions = {},
): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const report: Report = (file, path, message) => issues.push({ file, path, message });

  checkPlatform(platformFile, platform, report);
  checkPhaseOrder(phases, report);
  for (const { file, config } of phases) checkPhase(file, config, platform, report);
  checkCidrs(platformFile, platform, phases, report);
  checkGoals(platformFile, platform, phases, report);
  // Routing arithmetic needs every reference resolved; past this point errors would only cascade.
  if (issues.length > 0) return issues;

  checkRouting(platform, phases, report);
  checkData(platformFile, platform, phases, report, options);
  return issues;
}

function duplicates<T>(items: readonly T[], key: (t: T) => string): number[] {
  const seen = new Set<string>();
  return items.flatMap((item, i) => {
    const k = key(item);
    if (seen.has(k)) return [i];
    seen.add(k);
    return [];
  });
}

function checkPlatform(file: string, platform: PlatformConfig, report: Report): void {
  const envs = Object.keys(platform.environments);
  if (!envs.includes(platform.defaultEnvironment)) {
    report(
      file,
      ['defaultEnvironment'],
      `unknown environment ${describeValue(platform.defaultEnvironment)}, ${expectedOneOf(platform.defaultEnvironment, envs)}`,
    );
  }

  for (const i of duplicates(platform.markets, (m) => m.code)) {
    report(
      file,
      ['markets', i, 'code'],
      `duplicate market ${describeValue(platform.markets[i].code)}, expected each market once`,
    );
  }
  for (const i of duplicates(platform.services, (s) => s.name)) {
    report(
      file,
      ['services', i, 'name'],
      `duplicate service ${describeValue(platform.services[i].name)}, expected each service once`,
    );
  }
  const ids = [...platform.locations.map((l) => l.id)];
  for (const i of duplicates(platform.locations, (l) => l.id)) {
    report(file, ['locations', i, 'id'], `duplicate location ${describeValue(ids[i])}, expected each location id once`);
  }
  if (ids.includes(platform.legacy.id)) {
    report(
      file,
      ['legacy', 'id'],
      `${describeValue(platform.legacy.id)} is also a location id, expected a distinct id for the legacy data center`,
    );
  }
  for (const i of duplicates(
    platform.locations.filter((l) => l.kind === 'aws'),
    (l) => (l.kind === 'aws' ? l.region : l.id),
  )) {
    const loc = platform.locations.filter((l) => l.kind === 'aws')[i];
    report(
      file,
      ['locations', platform.locations.indexOf(loc), 'region'],
      `region ${describeValue(loc.kind === 'aws' ? loc.region : '')} is named by two locations, expected one location per region`,
    );
  }

  const regions = Object.keys(AWS_REGION_COUNTRIES);
  platform.locations.forEach((location, i) => {
    const region = location.kind === 'aws' ? location.region : location.homeRegion;
    const field = location.kind === 'aws' ? 'region' : 'homeRegion';
    if (!isKnownAwsRegion(region)) {
      report(
        file,
        ['locations', i, field],
        `unknown AWS region ${describeValue(region)}, ${expectedOneOf(region, regions)}`,
      );
    }
  });

  const known = [...ids, platform.legacy.id];
  platform.markets.forEach((market, i) => {
    market.allowedLocations.forEach((loc, j) => {
      if (!known.includes(loc)) {
        report(
          file,
          ['markets', i, 'allowedLocations', j],
          `unknown location ${describeValue(loc)}, ${expectedOneOf(loc, known)}`,
        );
      }
    });
    // Data localization: the law names the country, so every allowed location must be in it.
    const country = market.dataStaysIn;
    if (country !== undefined) {
      market.allowedLocations.forEach((loc, j) => {
        if (!known.includes(loc)) return;
        const where = countryOf(platform, loc);
        if (where === country) return;
        const regions = Object.entries(AWS_REGION_COUNTRIES)
          .filter(([, c]) => c === country)
          .map(([r]) => r);
        report(
          file,
          ['markets', i, 'allowedLocations', j],
          `${describeValue(loc)} is in ${where}, but ${market.code}'s data must stay in ${country} (dataStaysIn: ${country}${market.note ? `; ${market.note}` : ''}), expected only locations in ${country}: ${regions.length ? `the AWS region(s) ${regions.join(', ')} or ` : 'no AWS region is there; '}a provider site with country: ${country}`,
        );
      });
    }
    for (const j of duplicates(market.allowedLocations, (l) => l)) {
      report(
        file,
        ['markets', i, 'allowedLocations', j],
        `location ${describeValue(market.allowedLocations[j])} listed twice, expected each once`,
      );
    }
  });

  platform.services.forEach((service, i) => {
    if (service.database && service.database.minCapacityAcu > service.database.maxCapacityAcu) {
      report(
        file,
        ['services', i, 'database', 'minCapacityAcu'],
        `${service.database.minCapacityAcu} ACU is above maxCapacityAcu ${service.database.maxCapacityAcu}, expected min <= max`,
      );
    }
    checkLegacyTables(file, i, service, report);
    // Fargate's valid CPU/memory pairs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
    const range: Record<number, [number, number]> = {
      256: [512, 2048],
      512: [1024, 4096],
      1024: [2048, 8192],
      2048: [4096, 16384],
      4096: [8192, 30720],
    };
    const [lo, hi] = range[service.cpu];
    if (service.memoryMiB < lo || service.memoryMiB > hi) {
      report(
        file,
        ['services', i, 'memoryMiB'],
        `${service.memoryMiB} MiB does not fit cpu ${service.cpu} on Fargate, expected ${lo} to ${hi}`,
      );
    }
  });
}

/**
 * Replication selects each table by its exact name: DMS applies a row filter (here, the market
 * column) only to tables named exactly, so a schema copied by wildcard would carry every market's
 * rows, China's included.
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.Filters.html
 */
function checkLegacyTables(file: string, i: number, service: ServiceConfig, report: Report): void {
  const database = service.database;
  if (!database) return;
  const path = ['services', i, 'database', 'legacyTables'];
  if (database.legacySchema && !database.legacyTables) {
    report(
      file,
      path,
      `missing while legacySchema ${describeValue(database.legacySchema)} is set, expected the exact names of the tables to replicate (DMS filters rows by market only in tables selected by exact name)`,
    );
  }
  if (!database.legacySchema && database.legacyTables) {
    report(
      file,
      path,
      'listed without legacySchema, expected legacySchema naming the schema these tables are in (or no legacyTables)',
    );
  }
  const tables = database.legacyTables ?? [];
  for (const j of duplicates(tables, (t) => t)) {
    report(file, [...path, j], `table ${describeValue(tables[j])} listed twice, expected each once`);
  }
}

function checkPhaseOrder(phases: readonly ParsedPhase[], report: Report): void {
  const sorted = [...phases].sort((a, b) => a.config.phase - b.config.phase);
  sorted.forEach(({ file, config }, i) => {
    const expectedName = `phase-${config.phase}.yaml`;
    if (!file.endsWith(expectedName)) {
      report(
        file,
        ['phase'],
        `phase ${config.phase} is in a file named ${describeValue(file.split('/').pop())}, expected ${expectedName}`,
      );
    } else if (config.phase !== i + 1) {
      report(
        file,
        ['phase'],
        `phase ${config.phase} follows ${i === 0 ? 'nothing' : `phase ${sorted[i - 1].config.phase}`}, expected phases numbered 1, 2, 3 ... without gaps`,
      );
    }
  });
  for (const i of duplicates(phases, (p) => p.config.workload)) {
    report(
      phases[i].file,
      ['workload'],
      `workload ${describeValue(phases[i].config.workload)} is also another phase's, expected a distinct workload per phase`,
    );
  }
}

function checkPhase(file: string, phase: PhaseConfig, platform: PlatformConfig, report: Report): void {
  const serviceNames = platform.services.map((s) => s.name);
  phase.services.forEach((name, i) => {
    if (!serviceNames.includes(name))
      report(file, ['services', i], `unknown service ${describeValue(name)}, ${expectedOneOf(name, serviceNames)}`);
  });
  for (const i of duplicates(phase.services, (s) => s)) {
    report(file, ['services', i], `service ${describeValue(phase.services[i])} listed twice, expected each once`);
  }

  const locationIds = platform.locations.map((l) => l.id);
  const marketCodes = platform.markets.map((m) => m.code);
  const servedBy = new Map<string, number>();
  phase.locations.forEach((site, i) => {
    const location = platform.locations.find((l) => l.id === site.location);
    if (!location) {
      report(
        file,
        ['locations', i, 'location'],
        `unknown location ${describeValue(site.location)}, ${expectedOneOf(site.location, locationIds)}`,
      );
      return;
    }
    if (!site.vpcCidr) {
      const what =
        location.kind === 'aws'
          ? 'its VPC'
          : `its network in ${location.homeRegion} (the VPNs to the site and the data center, and replication)`;
      report(
        file,
        ['locations', i, 'vpcCidr'],
        `location ${describeValue(site.location)} has no vpcCidr, expected an IPv4 CIDR block for ${what}`,
      );
    }
    if (location.kind === 'aws' && site.hostsRegistered) {
      report(
        file,
        ['locations', i, 'hostsRegistered'],
        `AWS location ${describeValue(site.location)} has hostsRegistered, expected it only on provider sites (Fargate needs no hosts)`,
      );
    }
    if (site.minTasks > site.maxTasks) {
      report(
        file,
        ['locations', i, 'minTasks'],
        `minTasks ${site.minTasks} is above maxTasks ${site.maxTasks}, expected min <= max`,
      );
    }
    site.markets.forEach((market, j) => {
      const path = ['locations', i, 'markets', j];
      if (market !== REST_OF_WORLD && !marketCodes.includes(market)) {
        report(
          file,
          path,
          `unknown market ${describeValue(market)}, ${expectedOneOf(market, [...marketCodes, REST_OF_WORLD])}`,
        );
        return;
      }
      const earlier = servedBy.get(market);
      // The rest of the world may be served from several locations: latency routing picks one.
      if (earlier !== undefined && market !== REST_OF_WORLD) {
        report(
          file,
          path,
          `market ${describeValue(market)} is already served by ${describeValue(phase.locations[earlier].location)} in this phase, expected each market served by one location per phase`,
        );
        return;
      }
      servedBy.set(market, i);
      const declared = platform.markets.find((m) => m.code === market);
      const allowed = declared?.allowedLocations;
      // The market's note says why (the law): quoted, so a refusal explains itself.
      const note = declared?.note;
      // An unknown allowed location is reported in platform.yaml; it may be this one misspelled.
      const allowedHaveTypo = allowed?.some((l) => !locationIds.includes(l) && l !== platform.legacy.id);
      if (allowed && !allowed.includes(site.location) && !allowedHaveTypo) {
        report(
          file,
          path,
          `market ${describeValue(market)} may not have its data in ${describeValue(site.location)} (${countryOf(platform, site.location)}), expected a location it allows: ${allowed.length ? allowed.join(', ') : 'none yet'}${note ? ` (${market}: ${note})` : ''}`,
        );
      }
    });
  });
  for (const i of duplicates(phase.locations, (l) => l.location)) {
    report(
      file,
      ['locations', i, 'location'],
      `location ${describeValue(phase.locations[i].location)} appears twice in this phase, expected it once with all its markets`,
    );
  }

  if (phase.edge) {
    // A reference is judged only against names that exist: an unknown entry in the list it points
    // into is reported there, and may be this very name misspelled, so a correct reference is
    // never told to become the typo (`services: [shopp]` must not make `apiService: shop` wrong).
    const knownServices = phase.services.filter((s) => serviceNames.includes(s));
    const servicesHaveTypo = knownServices.length < phase.services.length;
    if (
      !phase.services.includes(phase.edge.apiService) &&
      !(servicesHaveTypo && serviceNames.includes(phase.edge.apiService))
    ) {
      report(
        file,
        ['edge', 'apiService'],
        `${describeValue(phase.edge.apiService)} is not a service of this phase, ${expectedOneOf(phase.edge.apiService, knownServices)}`,
      );
    }
    const own = phase.locations
      .map((l) => l.location)
      .filter((id) => platform.locations.find((l) => l.id === id)?.kind === 'aws');
    // Likewise, an unknown location of this phase (reported above) may be the log location misspelled.
    const logLocationMayBeRight =
      phase.locations.some((l) => !locationIds.includes(l.location)) && locationIds.includes(phase.edge.logLocation);
    if (!own.includes(phase.edge.logLocation)) {
      if (logLocationMayBeRight) return;
      report(
        file,
        ['edge', 'logLocation'],
        `${describeValue(phase.edge.logLocation)} is not an AWS location of this phase (its data stack keeps the logs), ${expectedOneOf(phase.edge.logLocation, own)}`,
      );
    } else {
      checkCdnAudience(file, phase.edge, own, platform, report);
    }
  }
}

/**
 * CloudFront logs every viewer's IP address into the bucket at `edge.logLocation`. A market that
 * does not allow that location must be refused at the edge, and the plan says so in
 * `edge.blockedMarkets`: a market is never blocked as a side effect of moving the logs or adding
 * a market. The rest of the world (`*`) has no residency constraint, so it never needs listing.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html
 */
function checkCdnAudience(
  file: string,
  edge: NonNullable<PhaseConfig['edge']>,
  ownAwsLocations: readonly string[],
  platform: PlatformConfig,
  report: Report,
): void {
  const marketCodes = platform.markets.map((m) => m.code);
  const blocked = edge.blockedMarkets;
  blocked.forEach((code, j) => {
    if (!marketCodes.includes(code)) {
      report(
        file,
        ['edge', 'blockedMarkets', j],
        `unknown market ${describeValue(code)}, ${expectedOneOf(code, marketCodes)}`,
      );
    }
  });
  for (const j of duplicates(blocked, (b) => b)) {
    report(file, ['edge', 'blockedMarkets', j], `market ${describeValue(blocked[j])} listed twice, expected each once`);
  }

  const viewers = platform.markets.filter((m) => !blocked.includes(m.code));
  const logLocation = edge.logLocation;
  const everyViewerAllows = ownAwsLocations.filter((l) => viewers.every((m) => m.allowedLocations.includes(l)));
  const knownLocations = [...platform.locations.map((l) => l.id), platform.legacy.id];
  for (const market of viewers) {
    if (market.allowedLocations.includes(logLocation)) continue;
    // An unknown allowed location is reported in platform.yaml; it may be the log location misspelled.
    if (market.allowedLocations.some((l) => !knownLocations.includes(l))) continue;
    const code = market.code;
    report(
      file,
      ['edge', 'blockedMarkets'],
      `market ${describeValue(code)} does not allow ${describeValue(logLocation)}, where edge.logLocation keeps the CDN's logs of viewer IPs, and is not blocked; expected one of: add ${describeValue(logLocation)} to ${code}'s allowedLocations, move edge.logLocation to a location every viewer market allows (in this phase: ${everyViewerAllows.length ? everyViewerAllows.join(', ') : 'none'}), or list ${code} in edge.blockedMarkets (it then keeps using the legacy site)`,
    );
  }
}

function countryOf(platform: PlatformConfig, locationId: string): string {
  const location = platform.locations.find((l) => l.id === locationId);
  if (!location) return platform.legacy.id === locationId ? platform.legacy.country : '?';
  return location.kind === 'aws' ? (AWS_REGION_COUNTRIES[location.region] ?? '?') : location.country;
}

function parseCidr(cidr: string): [number, number] {
  const [address, bits] = cidr.split('/');
  const base = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const start = base - (base % size);
  return [start, start + size - 1];
}

function checkCidrs(
  platformFile: string,
  platform: PlatformConfig,
  phases: readonly ParsedPhase[],
  report: Report,
): void {
  const blocks: { file: string; path: (string | number)[]; cidr: string; what: string }[] = [
    { file: platformFile, path: ['legacy', 'cidr'], cidr: platform.legacy.cidr, what: 'the legacy data center' },
  ];
  platform.locations.forEach((location, i) => {
    if (location.kind !== 'provider') return;
    location.networks.forEach((cidr, j) => {
      blocks.push({
        file: platformFile,
        path: ['locations', i, 'networks', j],
        cidr,
        what: `the network of ${location.id}`,
      });
    });
  });
  for (const { file, config } of phases) {
    config.locations.forEach((site, i) => {
      if (site.vpcCidr)
        blocks.push({
          file,
          path: ['locations', i, 'vpcCidr'],
          cidr: site.vpcCidr,
          what: `phase ${config.phase} ${site.location}`,
        });
    });
  }
  blocks.forEach((block, i) => {
    const [start, end] = parseCidr(block.cidr);
    for (const other of blocks.slice(0, i)) {
      const [os, oe] = parseCidr(other.cidr);
      if (start <= oe && os <= end) {
        report(
          block.file,
          block.path,
          `${block.cidr} overlaps ${other.cidr} of ${other.what}, expected address space no other VPC or the data center uses`,
        );
      }
    }
  });
}

function checkRouting(platform: PlatformConfig, phases: readonly ParsedPhase[], report: Report): void {
  const plan = new MigrationPlan(
    platform,
    phases.map((p) => p.config),
  );
  const fileOf = (phase: number) => phases.find((p) => p.config.phase === phase)?.file ?? '?';
  for (const service of platform.services) {
    const first = phases
      .map((p) => p.config)
      .filter((p) => p.services.includes(service.name))
      .sort((a, b) => a.phase - b.phase)[0];
    if (!first) continue;
    // Each location answers the rest of the world for a service from one phase only: its
    // latency record and weighted pair have one owner.
    const seen = new Map<string, number>();
    for (const p of phases.map((x) => x.config).filter((x) => x.services.includes(service.name))) {
      p.locations.forEach((site, i) => {
        if (!site.markets.includes(REST_OF_WORLD)) return;
        const before = seen.get(site.location);
        if (before !== undefined) {
          report(
            fileOf(p.phase),
            ['locations', i, 'markets'],
            `${describeValue(site.location)} already serves "*" for ${service.name} in phase ${before}, expected each location to serve the rest of the world for a service in one phase`,
          );
        }
        seen.set(site.location, p.phase);
      });
    }
    if (!first.locations.some((l) => l.markets.includes(REST_OF_WORLD))) {
      report(
        fileOf(first.phase),
        ['locations'],
        `service ${describeValue(service.name)} starts in this phase but no location serves "*", expected one location to serve the rest of the world`,
      );
    }
    for (const route of plan.routes(service.name)) {
      const legacy = route.targets.find((t) => t.setIdentifier === 'legacy');
      // An unserved market staying on legacy is today's state, not something this plan does.
      if (route.served && legacy && legacy.weight > 0 && !plan.isAllowed(route.market, platform.legacy.id)) {
        const latest = route.targets[route.targets.length - 2]?.phase ?? first.phase;
        report(
          fileOf(latest),
          ['cutoverPercent'],
          `market ${describeValue(route.market)} would keep ${legacy.weight}% of its ${service.name} traffic on ${platform.legacy.id}, where its data may not live; expected cutoverPercent 100`,
        );
      }
    }
  }
}

/** Time kept for publishing the measurements after the last probe, within a run's timeout. */
const PUBLISH_SECONDS = 10;

/**
 * Goals a canary can measure: its region exists and is not the edge region, every market a phase
 * serves has one, a run fits its interval, and each window holds enough probes for its goal to mean
 * something (a p90 of fewer than 10 values is the maximum; 99.9 % of fewer than 1,000 probes is
 * broken by one failure). Probes per window are counted for the phase with the fewest services
 * serving the market, where one failure weighs most.
 */
function checkGoals(file: string, platform: PlatformConfig, phases: readonly ParsedPhase[], report: Report): void {
  const goals = platform.goals;
  const regions = Object.keys(AWS_REGION_COUNTRIES);
  platform.markets.forEach((market, i) => {
    const region = market.canaryRegion;
    if (region === undefined) return;
    if (!isKnownAwsRegion(region)) {
      report(
        file,
        ['markets', i, 'canaryRegion'],
        `unknown AWS region ${describeValue(region)}, ${expectedOneOf(region, regions)}`,
      );
    } else if (region === EDGE_REGION) {
      report(
        file,
        ['markets', i, 'canaryRegion'],
        `${describeValue(region)} holds only the CDN's edge resources (the residency pack refuses anything else there), expected another region near ${market.name}'s users, such as "us-east-2"`,
      );
    }
  });

  // The phases serving each declared market, with how many services each probes.
  const servedBy = new Map<string, { phase: number; file: string; services: number }[]>();
  for (const { file: phaseFile, config } of phases) {
    for (const code of new Set(config.locations.flatMap((l) => l.markets))) {
      if (code === REST_OF_WORLD) continue;
      servedBy.set(code, [
        ...(servedBy.get(code) ?? []),
        { phase: config.phase, file: phaseFile, services: config.services.length },
      ]);
    }
  }

  const timeout = canaryTimeoutSeconds(goals.probeEveryMinutes);
  for (const { file: phaseFile, config } of phases) {
    const needed = config.services.length * (PROBE_TIMEOUT_MS / 1000) + PUBLISH_SECONDS;
    if (needed > timeout) {
      report(
        phaseFile,
        ['services'],
        `a canary probes the ${config.services.length} services of this phase in turn, up to ${PROBE_TIMEOUT_MS / 1000} s each, and needs ${needed} s with publishing, but a run every ${goals.probeEveryMinutes} minute(s) may last ${timeout} s; expected goals.probeEveryMinutes of at least ${Math.ceil(needed / 60)} in platform.yaml, or fewer services in this phase`,
      );
    }
  }

  // One report per goal value: a default shared by several markets is reported once, naming them.
  const scarce = new Map<
    string,
    { path: (string | number)[]; value: number; markets: string[]; probes: number; phase: number }
  >();
  platform.markets.forEach((market, i) => {
    const serving = servedBy.get(market.code);
    if (!serving) return;
    if (market.canaryRegion === undefined) {
      report(
        file,
        ['markets', i],
        `market ${describeValue(market.code)} has no canaryRegion, but phase ${serving.map((s) => s.phase).join(' and ')} serve${serving.length === 1 ? 's' : ''} it, expected canaryRegion: the AWS region nearest ${market.name}'s users, where its goal canaries run`,
      );
    }
    const fewest = serving.reduce((a, b) => (b.services < a.services ? b : a));
    const availability = market.goals?.availabilityPercent ?? goals.defaults.availabilityPercent;
    const probes = ((goals.availabilityWindowHours * 60) / goals.probeEveryMinutes) * fewest.services;
    const oneFailure = 100 * (1 - 1 / probes);
    if (availability > oneFailure) {
      const own = market.goals?.availabilityPercent !== undefined;
      const path = own ? ['markets', i, 'goals', 'availabilityPercent'] : ['goals', 'defaults', 'availabilityPercent'];
      const key = path.join('.');
      const entry = scarce.get(key) ?? { path, value: availability, markets: [], probes, phase: fewest.phase };
      entry.markets.push(market.code);
      if (probes < entry.probes) Object.assign(entry, { probes, phase: fewest.phase });
      scarce.set(key, entry);
    }
  });
  for (const { path, value, markets, probes, phase } of scarce.values()) {
    const floor = Math.floor(10_000 * (1 - 1 / probes)) / 100;
    report(
      file,
      path,
      `${value} % cannot be told from a single failed probe for ${markets.join(', ')}: phase ${phase} probes a market ${probes} times per ${goals.availabilityWindowHours}-hour window, so one failure already reads ${floor} %; expected at most ${floor}, or more probes per window (a longer goals.availabilityWindowHours or a shorter goals.probeEveryMinutes)`,
    );
  }

  const fewestServices = Math.min(...phases.map((p) => p.config.services.length));
  const latencyProbes = Math.floor(goals.latencyWindowMinutes / goals.probeEveryMinutes) * fewestServices;
  if (phases.length > 0 && latencyProbes < 10) {
    report(
      file,
      ['goals', 'latencyWindowMinutes'],
      `a ${goals.latencyWindowMinutes}-minute window holds ${latencyProbes} probe(s) of a market at one every ${goals.probeEveryMinutes} minute(s), and a 90th percentile of fewer than 10 is only the slowest; expected at least ${Math.ceil(10 / fewestServices) * goals.probeEveryMinutes} minutes`,
    );
  }
}
