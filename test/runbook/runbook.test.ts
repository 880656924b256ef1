/**
 * The runbook, step by step: each recipe of the README walked from the default plan, every step
 * judged against the one before it as `npm run report -- --against` judges a deploy over what is
 * deployed; beside each, the same recipe with a step skipped or merged, refused naming that step.
 * The templates' half of the gate (replacements, exports in use) is test/report/template-transitions.
 */
import { formatPath, PlanError } from '../../lib/config/plan-error';
import { formatShares } from '../../lib/report/plan-transitions';
import { add, newFile, type PlanEdit, refusalsOf, type Step, set, walk } from './plan-steps';

const SERVICES_2 = ['accounts', 'messaging', 'photos'];
const ALL = ['shop', ...SERVICES_2];
/** One state for a market's rows of several services at one location. */
const rowsAt = (file: string, location: number, market: string, state: string, services = ALL): PlanEdit[] =>
  services.map((s) => set(file, ['locations', location, 'data', s, market], state));

// Add a market (Vietnam, served from Singapore). First out of "*", where it is today.
/**
 * Name a market out of "*": declared, allowing its home region and where "*" kept its rows, and
 * named at the sites that served "*" (phase 1's us-west-1, phase 2's us-west-2) at the state of
 * their "*" copy.
 */
const nameOutOfRestOfWorld = (code: string, name: string, home: string): Step => ({
  name: `name ${code} out of "*"`,
  edits: [
    add('platform', ['markets'], {
      code,
      name,
      allowedLocations: [home, 'us-west-1', 'us-west-2', 'bj-legacy'],
      canaryRegion: home,
      formerlyRestOfWorld: true,
    }),
    add('phase-1', ['locations', 0, 'markets'], code),
    ...rowsAt('phase-1', 0, code, 'ready', ['shop']),
    add('phase-2', ['locations', 0, 'markets'], code),
    ...rowsAt('phase-2', 0, code, 'ready', SERVICES_2),
  ],
});

const nameVietnamOutOfRestOfWorld = nameOutOfRestOfWorld('VN', 'Vietnam', 'ap-southeast-1');
const vietnamPhase = (data: string) => `phase: 5
name: Vietnam
workload: vietnam
services: [shop, accounts, messaging, photos]
cutoverPercent: 0
locations:
  - location: ap-southeast-1
    vpcCidr: 10.100.0.0/16
    markets: [VN]
${data}`;
const addVietnamPhase: Step = {
  name: 'a phase serving VN from Singapore',
  edits: [newFile('phase-5', vietnamPhase(''))],
};
const vietnamReady: Step = {
  name: "VN's rows ready in Singapore",
  edits: rowsAt('phase-5', 0, 'VN', 'ready'),
};
const vietnamAt = (percent: number): Step => ({
  name: `VN at ${percent} %`,
  edits: [set('phase-5', ['cutoverPercent'], percent)],
});

// Cut over 0 to 10 to 50 to 100: India's shop to Mumbai (phase 3), one service on its own.
const indiaShopReady: Step = {
  name: "IN's shop rows ready in Mumbai",
  edits: [set('phase-3', ['locations', 0, 'data', 'shop', 'IN'], 'ready')],
};
const indiaShopAt = (percent: number): Step => ({
  name: `IN's shop at ${percent} %`,
  edits: [set('phase-3', ['cutoverPercent'], { shop: percent, accounts: 0, messaging: 0, photos: 0 })],
});

// Change a replication while its site copies: a market added to phase 4's Mexico Central.
const nameGuatemalaOutOfRestOfWorld = nameOutOfRestOfWorld('GT', 'Guatemala', 'mx-central-1');
const serveGuatemalaFromMexico = (truncate: boolean): Step => ({
  name: `GT served from Mexico Central${truncate ? ', its tables truncated before the new load' : ''}`,
  edits: [
    add('phase-4', ['locations', 0, 'markets'], 'GT'),
    ...(truncate ? [set('phase-4', ['locations', 0, 'truncateBeforeLoad'], ALL)] : []),
  ],
});

// Add a location: Hong Kong's own region, in a phase of its own.
const hongKongRegion: Step = {
  name: 'phase 5 in ap-east-1, copying',
  edits: [
    add('platform', ['locations'], { id: 'ap-east-1', kind: 'aws', region: 'ap-east-1' }),
    add('platform', ['markets', 2, 'allowedLocations'], 'ap-east-1'),
    newFile(
      'phase-5',
      'phase: 5\nname: Hong Kong\nworkload: hongkong\nservices: [shop]\ncutoverPercent: 0\nlocations:\n  - location: ap-east-1\n    vpcCidr: 10.100.0.0/16\n    markets: [HK]\n',
    ),
  ],
};

describe('runbook: every recipe, step by step, passes the transition gate', () => {
  test.each<[string, Step[]]>([
    [
      'add a market (Vietnam, from Singapore)',
      [nameVietnamOutOfRestOfWorld, addVietnamPhase, vietnamReady, vietnamAt(10), vietnamAt(100)],
    ],
    ['name a market out of "*"', [nameVietnamOutOfRestOfWorld]],
    [
      "cut over 0 to 10 to 50 to 100 (India's shop)",
      [indiaShopReady, indiaShopAt(10), indiaShopAt(50), indiaShopAt(100)],
    ],
    [
      "add a location (Hong Kong's own region)",
      [
        hongKongRegion,
        { name: "HK's rows ready", edits: [set('phase-5', ['locations', 0, 'data'], { shop: { HK: 'ready' } })] },
        { name: 'HK at 10 %', edits: [set('phase-5', ['cutoverPercent'], 10)] },
      ],
    ],
    [
      'finish a copy (phase 2 accounts in Oregon)',
      [
        {
          name: 'accounts at 100 %',
          edits: [set('phase-2', ['cutoverPercent'], { accounts: 100, messaging: 50, photos: 50 })],
        },
        {
          name: 'accounts finished in Oregon',
          edits: ['US', 'MX', 'TH', 'TR', '*'].map((m) =>
            set('phase-2', ['locations', 0, 'data', 'accounts', m], 'finished'),
          ),
        },
      ],
    ],
    [
      'change a replication while its site copies (a market added to Mexico Central)',
      [nameGuatemalaOutOfRestOfWorld, serveGuatemalaFromMexico(true)],
    ],
    [
      'register provider hosts (Brazil)',
      [
        {
          name: 'two hosts registered, at most one task of each service per host',
          edits: [
            set('phase-3', ['locations', 1, 'hostsRegistered'], 2),
            set('phase-3', ['locations', 1, 'maxTasks'], 2),
          ],
        },
      ],
    ],
    [
      "roll back (India's shop from 50 to 10 %)",
      [indiaShopReady, indiaShopAt(10), indiaShopAt(50), { ...indiaShopAt(10), name: 'rolled back to 10 %' }],
    ],
  ])('%s', (_, steps) => {
    // GIVEN the default plan, WHEN each step deploys over the one before it
    const result = walk(steps);
    // THEN the gate refuses none of them
    expect(refusalsOf(result)).toEqual([]);
  });

  test('a cutover step shows where the users go, before and after (phase 2 from 50 to 100 %)', () => {
    // GIVEN phase 2 at 50 %, WHEN it goes to 100 %
    const [{ transition }] = walk([{ name: '100 %', edits: [set('phase-2', ['cutoverPercent'], 100)] }]);
    // THEN Singapore's accounts move from half on Beijing to all in Singapore
    const sg = transition.moves.find((m) => m.market === 'SG' && m.service === 'accounts');
    expect(sg && [formatShares(sg.before), formatShares(sg.after)]).toEqual([
      'p2 ap-southeast-1 50 %, bj-legacy 50 %',
      'p2 ap-southeast-1 100 %',
    ]);
    expect(transition.cutovers).toEqual([
      { phase: 2, service: 'accounts', before: 50, after: 100 },
      expect.anything(),
      expect.anything(),
    ]);
  });
});

describe('runbook: a step skipped or merged is refused, naming it', () => {
  test.each<[string, Step[], string]>([
    [
      "the README's old Vietnam recipe in one step (declared, listed at Singapore in phases 1 and 2)",
      [
        {
          name: 'one step',
          edits: [
            add('platform', ['markets'], {
              code: 'VN',
              name: 'Vietnam',
              allowedLocations: ['ap-southeast-1', 'bj-legacy'],
              canaryRegion: 'ap-southeast-1',
            }),
            add('phase-1', ['edge', 'blockedMarkets'], 'VN'),
            add('phase-1', ['locations', 1, 'markets'], 'VN'),
            ...rowsAt('phase-1', 1, 'VN', 'ready', ['shop']),
            add('phase-2', ['locations', 1, 'markets'], 'VN'),
            ...rowsAt('phase-2', 1, 'VN', 'ready', SERVICES_2),
          ],
        },
      ],
      'one step: moved-inside-phase VN -',
    ],
    [
      'Vietnam declared without naming it where "*" served it',
      [{ ...nameVietnamOutOfRestOfWorld, edits: nameVietnamOutOfRestOfWorld.edits.slice(0, 1) }],
      'plan error: phases/phase-1.yaml: locations[0].markets: VN was part of "*" here (formerlyRestOfWorld)',
    ],
    [
      "VN's rows ready and its users moved in one deploy",
      [
        nameVietnamOutOfRestOfWorld,
        addVietnamPhase,
        { name: 'ready and 10 %', edits: [...vietnamReady.edits, ...vietnamAt(10).edits] },
      ],
      'ready and 10 %: users-before-rows VN shop',
    ],
    [
      'Hong Kong moved from Singapore to California inside phase 1',
      [
        {
          name: 'HK to us-west-1',
          edits: [
            set('phase-1', ['locations', 1, 'markets'], ['SG', 'TW', 'MY', 'ID', 'PH', 'IN']),
            set('phase-1', ['locations', 1, 'data', 'shop'], {
              SG: 'ready',
              TW: 'ready',
              MY: 'ready',
              ID: 'ready',
              PH: 'ready',
              IN: 'ready',
            }),
            add('phase-1', ['locations', 0, 'markets'], 'HK'),
            set('phase-1', ['locations', 0, 'data', 'shop', 'HK'], 'ready'),
          ],
        },
      ],
      'HK to us-west-1: moved-inside-phase HK -',
    ],
    [
      "India's shop ready and at 10 % in one deploy",
      [{ name: 'ready and 10 %', edits: [...indiaShopReady.edits, ...indiaShopAt(10).edits] }],
      'ready and 10 %: users-before-rows IN shop',
    ],
    [
      'a market added to a site that copies, without truncating its tables first',
      [nameGuatemalaOutOfRestOfWorld, serveGuatemalaFromMexico(false)],
      'GT served from Mexico Central: replication-reloaded GT shop',
    ],
    [
      "Hong Kong's rows ready and its users moved in one deploy (add a location)",
      [
        hongKongRegion,
        {
          name: 'ready and 10 %',
          edits: [
            set('phase-5', ['locations', 0, 'data'], { shop: { HK: 'ready' } }),
            set('phase-5', ['cutoverPercent'], 10),
          ],
        },
      ],
      'ready and 10 %: users-before-rows HK shop',
    ],
    [
      'a copy finished before its service takes all of the traffic (finish a copy)',
      [
        {
          name: 'finished at 50 %',
          edits: ['US', 'MX', 'TH', 'TR', '*'].map((m) =>
            set('phase-2', ['locations', 0, 'data', 'accounts', m], 'finished'),
          ),
        },
      ],
      'plan error: phases/phase-2.yaml: locations[0].data.accounts: finished makes "us-west-2" the system',
    ],
    [
      'provider hosts registered with the task counts left above them',
      [{ name: 'one host', edits: [set('phase-3', ['locations', 1, 'hostsRegistered'], 1)] }],
      'plan error: phases/phase-3.yaml: locations[1].minTasks: minTasks 2 is above the 1 registered host(s',
    ],
    [
      'a finished copy rolled back',
      [
        {
          name: 'accounts at 100 %',
          edits: [set('phase-2', ['cutoverPercent'], { accounts: 100, messaging: 50, photos: 50 })],
        },
        {
          name: 'finished',
          edits: ['US', 'MX', 'TH', 'TR', '*'].map((m) =>
            set('phase-2', ['locations', 0, 'data', 'accounts', m], 'finished'),
          ),
        },
        {
          name: 'back to ready',
          edits: ['US', 'MX', 'TH', 'TR', '*'].map((m) =>
            set('phase-2', ['locations', 0, 'data', 'accounts', m], 'ready'),
          ),
        },
      ],
      'back to ready: finished-undone US accounts',
    ],
  ])('%s', (_, steps, refused) => {
    // GIVEN the default plan, WHEN the steps deploy in turn
    let found: string[];
    try {
      found = refusalsOf(walk(steps));
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      found = error.issues.map((i) => `plan error: ${i.file}: ${formatPath(i.path)}: ${i.message}`);
    }
    // THEN the step is refused, naming the market and service
    expect(found).toEqual(expect.arrayContaining([expect.stringContaining(refused)]));
  });
});
