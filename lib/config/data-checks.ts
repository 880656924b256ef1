import { MigrationPlan } from './migration-plan';
import { describeValue } from './plan-error';
import { type PhaseConfig, type PhaseLocationConfig, type PlatformConfig, REST_OF_WORLD } from './schema';
import type { ParsedPhase } from './semantic-checks';
import { expectedOneOf } from './suggest';

type Report = (file: string, path: (string | number)[], message: string) => void;

/** How strictly the plan's forms are read. */
export interface DataCheckOptions {
  /**
   * A plan that is already deployed (the transition gate's BASE), read as it was written: a
   * whole-site data state (`shop: ready`) and `hostsRegistered: true` are accepted there, and
   * refused in the plan being synthesized.
   * @default false
   */
  readonly deployed?: boolean;
}

/**
 * No users before their rows, per market: a market's copy at a location is a state of its own, a
 * finished market takes all of its traffic, a copy is ready only when its source is, the rows a
 * market had as part of the rest of the world stay where they are (or are named for removal), a
 * replication is truncated only while nobody uses its target, and a provider site never asks for
 * more tasks than it has hosts. Each message names the market, service and location and what to set.
 */
export function checkData(
  platformFile: string,
  platform: PlatformConfig,
  phases: readonly ParsedPhase[],
  report: Report,
  options: DataCheckOptions = {},
): void {
  const plan = new MigrationPlan(
    platform,
    phases.map((p) => p.config),
  );
  for (const { file, config: phase } of phases) {
    phase.locations.forEach((site, i) => {
      checkDataEntries(file, phase, site, i, platform, report, options);
      checkHosts(file, site, i, report, options);
      for (const service of phase.services) checkServiceAtSite(plan, file, phase, site, i, service, report);
    });
    for (const service of phase.services) checkCutover(plan, file, phase, service, report);
  }
  checkFormerlyRestOfWorld(plan, platformFile, phases, report);
}

/** The `data` entries name services of the phase with a database, and markets of the site. */
function checkDataEntries(
  file: string,
  phase: PhaseConfig,
  site: PhaseLocationConfig,
  i: number,
  platform: PlatformConfig,
  report: Report,
  options: DataCheckOptions,
): void {
  const withData = phase.services.filter((s) => platform.services.find((x) => x.name === s)?.database);
  for (const [service, entry] of Object.entries(site.data)) {
    const path = ['locations', i, 'data', service];
    if (!withData.includes(service)) {
      report(
        file,
        path,
        `${describeValue(service)} is not a service of this phase with a database, ${expectedOneOf(service, withData)}`,
      );
      continue;
    }
    const perMarket = `{ ${site.markets.map((m) => `${m === REST_OF_WORLD ? '"*"' : m}: ${typeof entry === 'string' ? entry : 'copying'}`).join(', ')} }`;
    if (typeof entry === 'string') {
      if (!options.deployed) {
        report(
          file,
          path,
          `${entry} for the whole location, but a copy's state is a fact about each market's rows (a market added here later would inherit it), expected one state per market: ${service}: ${perMarket}`,
        );
      }
      continue;
    }
    for (const market of Object.keys(entry).filter((m) => !site.markets.includes(m))) {
      report(
        file,
        [...path, market],
        `${describeValue(market)} is not a market of this location, ${expectedOneOf(market, site.markets)}`,
      );
    }
    if (Object.values(entry).every((state) => state === 'copying')) continue;
    for (const market of site.markets.filter((m) => entry[m] === undefined)) {
      report(
        file,
        path,
        `says where the ${service} rows of ${Object.keys(entry).join(', ')} stand but not ${market}'s; a market added to a location starts copying there, whatever the others are, expected ${market === REST_OF_WORLD ? '"*"' : market}: copying (or the state of its own rows)`,
      );
    }
  }
  for (const [j, service] of site.truncateBeforeLoad.entries()) {
    if (!withData.includes(service)) {
      report(
        file,
        ['locations', i, 'truncateBeforeLoad', j],
        `${describeValue(service)} is not a service of this phase with a database, ${expectedOneOf(service, withData)}`,
      );
    }
  }
}

/** A host runs one task of each service (fixed host ports): tasks never exceed registered hosts. */
function checkHosts(
  file: string,
  site: PhaseLocationConfig,
  i: number,
  report: Report,
  options: DataCheckOptions,
): void {
  const hosts = site.hostsRegistered;
  if (typeof hosts === 'boolean') {
    if (!options.deployed) {
      report(
        file,
        ['locations', i, 'hostsRegistered'],
        `got ${hosts}, expected the number of the provider's hosts registered with the site's cluster (each runs one task of each service), such as 2`,
      );
    }
    return;
  }
  if (hosts === 0) return;
  for (const field of ['minTasks', 'maxTasks'] as const) {
    if (site[field] > hosts) {
      report(
        file,
        ['locations', i, field],
        `${field} ${site[field]} is above the ${hosts} registered host(s): each task takes fixed host ports, so a host runs one task of each service and ECS never places the rest (the deploy waits, then rolls back), expected ${field}: ${hosts} or fewer, or more hosts registered first`,
      );
    }
  }
}

/** One service's copy at one site: its state against its cutover, its source, how it may be reloaded. */
function checkServiceAtSite(
  plan: MigrationPlan,
  file: string,
  phase: PhaseConfig,
  site: PhaseLocationConfig,
  i: number,
  service: string,
  report: Report,
): void {
  const path = ['locations', i, 'data', service];
  const location = plan.location(site.location);
  const cutover = plan.cutover(phase.phase, service);
  const states = site.markets.map((market) => ({
    market,
    state: plan.dataState(phase.phase, site.location, service, market),
  }));
  const finished = states.filter((s) => s.state === 'finished' && plan.service(service).database);
  if (finished.length > 0 && cutover < 100) {
    report(
      file,
      path,
      `finished makes ${describeValue(site.location)} the system of record for the ${service} rows of ${finished.map((s) => s.market).join(', ')}, but the phase's ${service} cutover ${cutover} still sends ${100 - cutover}% elsewhere, where those rows are stale; expected cutoverPercent 100 for ${service}, or ready until then`,
    );
  }
  const replications = plan.replications(phase.phase, site.location, service);
  for (const { source, markets: moved } of replications) {
    // Only these paths exist: legacy into any site, and one AWS region into another.
    const from = source === 'legacy' ? undefined : plan.location(source.locationId);
    if (from && source !== 'legacy' && (from.kind !== 'aws' || location.kind !== 'aws')) {
      report(
        file,
        ['locations', i, 'markets'],
        `${moved.join(', ')} would move their ${service} rows from ${describeValue(source.locationId)} (phase ${source.phase}) to ${describeValue(site.location)}, and only legacy to a site or one AWS region to another is built; expected these markets served here only by a phase that takes them from legacy or from another AWS region`,
      );
    }
    if (location.kind === 'provider') {
      // The replication into a provider's database runs in its home region, which sees every row.
      for (const market of moved.filter(
        (m) => !plan.isAllowed(m, plan.awsLocationOfRegion(location.homeRegion) ?? ''),
      )) {
        report(
          file,
          ['locations', i, 'markets'],
          `${market}'s ${service} rows reach ${describeValue(site.location)} through its home region ${location.homeRegion}, where replication runs, and ${market} does not allow it; expected a homeRegion that ${market} allows (platform.yaml locations[].homeRegion), or ${market} kept on legacy`,
        );
      }
    }
  }
  if (site.truncateBeforeLoad.includes(service)) {
    const used = states.filter((s) => s.state !== 'copying');
    if (used.length > 0) {
      report(
        file,
        ['locations', i, 'truncateBeforeLoad'],
        `truncates the ${service} tables of ${describeValue(site.location)} before a full load, but the rows of ${used.map((s) => s.market).join(', ')} are ${used[0].state} there: users' writes would be erased, expected ${service} removed from truncateBeforeLoad (a replication of a location in use is changed by serving the change from a new phase)`,
      );
    }
    if (replications.length > 1) {
      report(
        file,
        ['locations', i, 'truncateBeforeLoad'],
        `truncates the ${service} tables of ${describeValue(site.location)}, which ${replications.length} replications fill (from ${replications.map((r) => (r.source === 'legacy' ? 'legacy' : r.source.locationId)).join(' and ')}): each load would erase the other's rows, expected truncateBeforeLoad only where one replication fills the tables`,
      );
    }
  }
  for (const { market, state } of states) {
    if (state === 'copying' || market === REST_OF_WORLD) continue;
    const source = plan.dataSource(phase.phase, service, market);
    if (source !== 'legacy' && plan.dataState(source.phase, source.locationId, service, market) === 'copying') {
      report(
        file,
        [...path, market],
        `${state} for ${market}'s ${service} rows, but they come from ${describeValue(source.locationId)} (phase ${source.phase}), whose own copy of them is still copying; expected ${market}: copying here until phase ${source.phase} is ready there`,
      );
    }
  }
}

/** A cutover above 0 moves somebody: some market's rows of the service are ready in the phase. */
function checkCutover(plan: MigrationPlan, file: string, phase: PhaseConfig, service: string, report: Report): void {
  const cutover = phase.cutoverPercent;
  if (typeof cutover !== 'number') {
    for (const name of Object.keys(cutover).filter((s) => !phase.services.includes(s))) {
      report(
        file,
        ['cutoverPercent', name],
        `${describeValue(name)} is not a service of this phase, ${expectedOneOf(name, phase.services)}`,
      );
    }
    if (cutover[service] === undefined) {
      report(
        file,
        ['cutoverPercent'],
        `has no share for ${service}, expected every service of the phase listed (${phase.services.map((s) => `${s}: ${cutover[s] ?? 0}`).join(', ')}), or one number for all`,
      );
    }
  }
  const share = plan.cutover(phase.phase, service);
  if (share === 0 || !plan.service(service).database) return;
  const ready = phase.locations.some((site) =>
    site.markets.some((m) => plan.dataState(phase.phase, site.location, service, m) !== 'copying'),
  );
  if (!ready) {
    report(
      file,
      ['cutoverPercent'],
      `sends ${share}% of the ${service} traffic of this phase's markets to its locations, but every market's ${service} rows there are still copying, so nobody would move; expected data.${service}: { <market>: ready } once a market's full load is validated (a deploy before the cutover), or ${service}: 0`,
    );
  }
}

/**
 * A market declared out of the rest of the world keeps what "*" gave it: its users stay at the
 * sites that served "*" for them (a market moves in a new phase, never between two locations of one),
 * and its rows there are its own now, at the state of that site's "*" copy, in a location it
 * allows, or listed for removal.
 */
function checkFormerlyRestOfWorld(
  plan: MigrationPlan,
  platformFile: string,
  phases: readonly ParsedPhase[],
  report: Report,
): void {
  // The sites that served "*" before any other did, one per service (its routing owner, which never
  // moves): where a country of "*" had its users and rows. A "*" site added later never held the rows
  // of a market declared before it; which one a deployed plan had is the transition gate's to check.
  const owners = plan.platform.services.map((s) => plan.routingOwner(s.name));
  const restOfWorldSites = plan
    .sites()
    .filter((s) => owners.some((o) => o?.phase === s.phase.phase && o.locationId === s.location.id));
  const fileOf = (phase: number) => phases.find((p) => p.config.phase === phase)?.file ?? '?';
  plan.platform.markets.forEach((market, m) => {
    if (!market.formerlyRestOfWorld) {
      if (market.removeRowsFrom.length > 0) {
        report(
          platformFile,
          ['markets', m, 'removeRowsFrom'],
          `${market.code} was never part of the rest of the world, so no location holds rows of it copied as "*" rows, expected removeRowsFrom only with formerlyRestOfWorld: true`,
        );
      }
      return;
    }
    const holding = [...new Set(restOfWorldSites.map((s) => s.location.id))];
    market.removeRowsFrom.forEach((loc, j) => {
      if (!holding.includes(loc)) {
        report(
          platformFile,
          ['markets', m, 'removeRowsFrom', j],
          `${describeValue(loc)} never served "*", so it holds no rest-of-world rows of ${market.code}, ${expectedOneOf(loc, holding)}`,
        );
      }
    });
    for (const loc of holding) {
      if (!plan.isAllowed(market.code, loc) && !market.removeRowsFrom.includes(loc)) {
        report(
          platformFile,
          ['markets', m],
          `${market.code}'s rows were copied to ${describeValue(loc)} as rest-of-world rows and stay there, which ${market.code} does not allow (residency); expected ${loc} in allowedLocations if its law permits it, or removeRowsFrom: [${loc}] and the rows deleted there`,
        );
      }
    }
    for (const { phase, site, location } of restOfWorldSites) {
      const i = phase.locations.indexOf(site);
      const named = site.markets.includes(market.code);
      if (market.removeRowsFrom.includes(location.id)) {
        if (named) {
          report(
            fileOf(phase.phase),
            ['locations', i, 'markets'],
            `${market.code} is served here, but platform.yaml says its rows are removed from ${describeValue(location.id)}, expected ${market.code} served elsewhere`,
          );
        }
        continue;
      }
      if (!named) {
        const elsewhere = plan.siteOf(phase.phase, market.code);
        report(
          fileOf(phase.phase),
          ['locations', i, 'markets'],
          `${market.code} was part of "*" here (formerlyRestOfWorld): its users and rows are at ${describeValue(location.id)}, and this plan ${elsewhere ? `moves it to ${describeValue(elsewhere)} inside phase ${phase.phase}` : `sends it back to ${plan.platform.legacy.id}, stranding what it wrote here`}; expected ${market.code} named here beside "*" (a market moves in a new phase, from where its rows are)`,
        );
        continue;
      }
      for (const service of phase.services) {
        const own = plan.dataState(phase.phase, location.id, service, market.code);
        const world = plan.dataState(phase.phase, location.id, service, REST_OF_WORLD);
        if (own !== world) {
          report(
            fileOf(phase.phase),
            ['locations', i, 'data', service, market.code],
            `${own} for ${market.code}'s ${service} rows, which were copied here as "*" rows, expected ${world} (the state of the "*" copy they are part of)`,
          );
        }
      }
    }
  });
}
