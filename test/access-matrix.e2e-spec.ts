import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, submittedCase, workstream } from './support/world';

/**
 * docs/access-rules.md, "The visibility table", route by route: a record the caller may not see answers 404, one
 * they may see but not change answers 403, and one allowed caller succeeds (so that no row
 * passes because everything answers 404). A refused request leaves the audit trail, and the
 * version of the record it aimed at, as they were.
 *
 * The cast: Glasgow administers Clyde Valley (P) and leads its shared workstream W with North
 * Lanarkshire; Inverclyde is a member that takes part in W (its participation, decision and
 * savings line) and owns the private workstream V; West Dunbartonshire was a member of P and
 * has left; B&NES never joined. PM and PH are partnerships of Glasgow's whose membership and
 * administering role the table changes.
 */
const GSS = {
  glasgow: 'S12000049',
  lanarkshire: 'S12000050',
  inverclyde: 'S12000018',
  westDunbartonshire: 'S12000039',
  banes: 'E06000022',
};
const CALLERS = {
  glasgowAdmin: ['glasgow', 'council_admin'],
  glasgowOfficer: ['glasgow', 'officer'],
  glasgowViewer: ['glasgow', 'viewer'],
  lanarkshireAdmin: ['lanarkshire', 'council_admin'],
  lanarkshireOfficer: ['lanarkshire', 'officer'],
  inverclydeAdmin: ['inverclyde', 'council_admin'],
  inverclydeOfficer: ['inverclyde', 'officer'],
  inverclydeViewer: ['inverclyde', 'viewer'],
  formerAdmin: ['westDunbartonshire', 'council_admin'],
  formerOfficer: ['westDunbartonshire', 'officer'],
  banesAdmin: ['banes', 'council_admin'],
  banesOfficer: ['banes', 'officer'],
} as const;
type Caller = keyof typeof CALLERS | 'platform';
type Method = 'get' | 'post' | 'patch' | 'delete';

interface Rule {
  /** `METHOD /path`, where `:key` stands for `id[key]`. */
  route: string;
  /** Told apart in the test's name. */
  note?: string;
  body?: object | (() => object);
  /** The table of the record the route changes (its last `:key`): its version goes in the body. */
  table?: string;
  /** Answer 404. */
  outsider?: Caller[];
  /** Answer 403. */
  reader?: Caller[];
  /** Answers `status` (by default GET and PATCH 200, POST 201, DELETE 204). */
  allowed: Caller;
  status?: number;
}

const id: Record<string, string> = {};
const fill = (path: string) => path.replace(/:(\w+)/g, (_, key: string) => id[key]);
const lastKey = (path: string) => [...path.matchAll(/:(\w+)/g)].pop()![1];
const SUCCESS: Record<Method, number> = { get: 200, post: 201, patch: 200, delete: 204 };

// Who may not see P and its workstreams: a council that left, and one that never joined.
const NOT_MEMBERS: Caller[] = ['formerOfficer', 'formerAdmin', 'banesOfficer', 'banesAdmin'];
// Who reads W but does not lead it: a member council, and a viewer of a lead authority.
const NOT_LEADS: Caller[] = ['inverclydeOfficer', 'inverclydeAdmin', 'glasgowViewer'];
// Who reads Inverclyde's own records on W but may not change them.
const NOT_INVERCLYDE: Caller[] = ['glasgowOfficer', 'lanarkshireAdmin', 'inverclydeViewer'];
// V is private to Inverclyde: its partners see no more of it than a stranger does.
const NOT_OWNER: Caller[] = ['glasgowAdmin', 'glasgowOfficer', 'banesOfficer'];
const VIEWERS: Caller[] = ['inverclydeViewer', 'glasgowViewer'];
// Agreements between Glasgow and Inverclyde: a partner in P that is no party, and a stranger.
const NOT_PARTIES: Caller[] = ['lanarkshireAdmin', 'lanarkshireOfficer', 'banesAdmin'];
const agreementTerms = (reference: string) => ({
  reference,
  title: 'Clyde co-operation',
  purposes: ['Share services'],
  legalBasis: ['Local Government in Scotland Act 2003'],
  parties: [{ councilId: id.glasgow }, { councilId: id.inverclyde }],
});

/** A read: outsiders 404, and the weakest reader 200. */
const read = (path: string, outsider: Caller[], allowed: Caller = 'inverclydeViewer'): Rule => ({
  route: `GET ${path}`,
  outsider,
  allowed,
});
/** What the lead authorities of W change. */
const byLeads = (route: string, body: object, table?: string): Rule => ({
  route,
  body,
  table,
  outsider: NOT_MEMBERS,
  reader: NOT_LEADS,
  allowed: table ? 'lanarkshireOfficer' : 'glasgowOfficer',
});
/** What Inverclyde changes of its private V. */
const byOwner = (route: string, body: object, table?: string): Rule => ({
  route,
  body,
  table,
  outsider: NOT_OWNER,
  reader: ['inverclydeViewer'],
  allowed: 'inverclydeOfficer',
});

const W_CHILDREN = ['status-updates', 'milestones', 'actions', 'risks', 'funding'];
const W_OWN = ['participants', 'business-cases', 'business-cases/:case/decisions', 'savings'];

const RULES: Rule[] = [
  // council directory: every signed-in user; its profile: the council's own admins
  read('/councils/:glasgow', [], 'banesOfficer'),
  {
    route: 'PATCH /councils/:glasgow',
    body: { website: 'https://www.glasgow.gov.uk' },
    table: 'council_profiles',
    reader: ['banesAdmin', 'glasgowOfficer', 'glasgowViewer'],
    allowed: 'glasgowAdmin',
  },
  {
    route: 'POST /councils',
    body: { gssCode: 'S12000038' },
    reader: ['glasgowAdmin', 'banesAdmin'],
    allowed: 'platform',
  },
  // users: their own council reads; its admins change
  read('/users/:glasgowUser', ['banesAdmin', 'lanarkshireAdmin'], 'glasgowViewer'),
  {
    route: 'PATCH /users/:glasgowUser',
    body: { jobTitle: 'Head of Waste Services' },
    table: 'users',
    outsider: ['banesAdmin', 'lanarkshireAdmin', 'inverclydeAdmin'],
    reader: ['glasgowOfficer', 'glasgowViewer'],
    allowed: 'glasgowAdmin',
  },
  {
    // Glasgow is in the directory, so another council's admin is refused with 403.
    route: 'POST /users',
    body: () => ({
      email: 'new@glasgow.test',
      name: 'New',
      role: 'officer',
      councilId: id.glasgow,
    }),
    reader: ['glasgowOfficer', 'glasgowViewer', 'banesAdmin'],
    allowed: 'glasgowAdmin',
  },
  // audit events: a council's admins (their council's events, see the lists below)
  {
    route: 'GET /audit-events',
    reader: ['glasgowOfficer', 'glasgowViewer'],
    allowed: 'glasgowAdmin',
  },
  // partnership and members: member councils read; the administering council's admins change
  read('/partnerships/:P', NOT_MEMBERS),
  read('/partnerships/:P/members', NOT_MEMBERS),
  read('/partnerships/:P/alignment', NOT_MEMBERS),
  {
    route: 'POST /partnerships',
    body: { name: 'B&NES and North Somerset', kind: 'other' },
    reader: ['glasgowOfficer', 'glasgowViewer'],
    allowed: 'banesAdmin',
  },
  {
    route: 'PATCH /partnerships/:PM',
    body: { description: 'Shared services across the Clyde Valley' },
    table: 'partnerships',
    outsider: ['banesAdmin'],
    reader: ['lanarkshireAdmin', 'inverclydeAdmin', 'glasgowOfficer'],
    allowed: 'glasgowAdmin',
  },
  {
    route: 'POST /partnerships/:PM/members',
    body: () => ({ councilId: id.westDunbartonshire }),
    outsider: ['banesAdmin'],
    reader: ['lanarkshireAdmin', 'glasgowOfficer'],
    allowed: 'glasgowAdmin',
  },
  {
    route: 'PATCH /partnerships/:PM/members/:memberLanarkshire',
    body: { role: 'chair' },
    table: 'partnership_members',
    outsider: ['banesAdmin'],
    reader: ['lanarkshireAdmin', 'inverclydeAdmin', 'glasgowOfficer'],
    allowed: 'glasgowAdmin',
  },
  {
    route: 'DELETE /partnerships/:PM/members/:memberInverclyde',
    table: 'partnership_members',
    outsider: ['banesAdmin'],
    reader: ['inverclydeAdmin', 'lanarkshireAdmin', 'glasgowOfficer'],
    allowed: 'glasgowAdmin',
  },
  {
    route: 'POST /partnerships/:PH/administering',
    body: () => ({ councilId: id.lanarkshire }),
    outsider: ['banesAdmin'],
    reader: ['lanarkshireAdmin', 'glasgowOfficer'],
    allowed: 'glasgowAdmin',
    status: 200,
  },
  // shared workstream and its records: members read; its lead authorities change
  {
    route: 'POST /workstreams',
    note: 'shared',
    body: () => ({
      title: 'Joint workforce planning',
      serviceArea: 'other',
      partnershipId: id.P,
      leadCouncilIds: [id.glasgow],
    }),
    outsider: ['formerOfficer', 'banesOfficer'],
    reader: ['inverclydeOfficer', 'glasgowViewer'],
    allowed: 'glasgowOfficer',
  },
  read('/workstreams/:W', NOT_MEMBERS),
  ...['phase-changes', ...W_CHILDREN, ...W_OWN].map((child) =>
    read(`/workstreams/:W/${child}`, NOT_MEMBERS),
  ),
  byLeads('PATCH /workstreams/:W', { scope: 'Residual waste' }, 'workstreams'),
  {
    ...byLeads('POST /workstreams/:W2/reopen', { phase: 'idea', reason: 'New partners joined' }),
    table: 'workstreams',
    status: 200,
  },
  byLeads('POST /workstreams/:W/status-updates', { rag: 'green', period: 'Q1 2030-31' }),
  byLeads('POST /workstreams/:W/milestones', { title: 'Procurement', dueOn: '2031-03-31' }),
  byLeads('POST /workstreams/:W/actions', { action: 'Agree the outline business case' }),
  byLeads('POST /workstreams/:W/risks', { description: 'Capacity', likelihood: 2, impact: 3 }),
  byLeads('POST /workstreams/:W/funding', { funder: 'Scottish Government', amountPence: 100 }),
  byLeads('POST /workstreams/:W/business-cases', { title: 'Full business case' }),
  byLeads('PATCH /workstreams/:W/milestones/:milestone', { status: 'in_progress' }, 'milestones'),
  byLeads('PATCH /workstreams/:W/actions/:action', { timescale: 'Q2 2030-31' }, 'key_actions'),
  byLeads('PATCH /workstreams/:W/risks/:risk', { mitigation: 'A second officer' }, 'risks'),
  byLeads('PATCH /workstreams/:W/funding/:funding', { description: 'At risk' }, 'funding_lines'),
  byLeads(
    'PATCH /workstreams/:W/business-cases/:case',
    { summary: 'Savings of £1m' },
    'business_cases',
  ),
  // ... each council its own participation, business-case decisions and savings lines
  ...(
    [
      ['participants', { priorityRank: 4 }],
      ['business-cases/:case/decisions', { decision: 'approved', decidedOn: '2030-03-25' }],
    ] as const
  ).map(([child, body]): Rule => ({
    route: `POST /workstreams/:W/${child}`,
    body,
    outsider: NOT_MEMBERS,
    reader: VIEWERS,
    allowed: 'lanarkshireOfficer',
  })),
  {
    route: 'POST /workstreams/:W/savings',
    body: { financialYear: '2031-32', plannedPence: 100, cashable: true },
    outsider: NOT_MEMBERS,
    reader: VIEWERS,
    allowed: 'inverclydeOfficer',
  },
  ...(
    [
      ['participants/:participant', 'workstream_participants', { priorityRank: 2 }],
      ['business-cases/:case/decisions/:decision', 'business_case_decisions', { reference: 'M1' }],
      ['savings/:savings', 'savings_lines', { realisedPence: 50 }],
    ] as const
  ).map(([child, table, body]): Rule => ({
    route: `PATCH /workstreams/:W/${child}`,
    body,
    table,
    outsider: NOT_MEMBERS,
    reader: NOT_INVERCLYDE,
    allowed: 'inverclydeOfficer',
  })),
  // private workstream and its records: its owner council reads; its officers and admins change
  ...['', ...['phase-changes', ...W_CHILDREN, ...W_OWN].map((child) => `/${child}`)].map((child) =>
    read(`/workstreams/:V${child.replace(':case', ':vCase')}`, NOT_OWNER),
  ),
  {
    ...byOwner('POST /workstreams', { title: 'Roads review', serviceArea: 'roads' }),
    note: 'private',
    outsider: [],
  },
  byOwner('PATCH /workstreams/:V', { phase: 'research' }, 'workstreams'),
  byOwner('POST /workstreams/:V/status-updates', { rag: 'red', period: 'Q1', reason: 'Budget' }),
  byOwner('POST /workstreams/:V/milestones', { title: 'Review reported', dueOn: '2031-01-31' }),
  byOwner('PATCH /workstreams/:V/milestones/:vMilestone', { status: 'done' }, 'milestones'),
  byOwner('POST /workstreams/:V/savings', { financialYear: '2031-32', cashable: false }),
  byOwner('PATCH /workstreams/:V/savings/:vSavings', { realisedPence: 75 }, 'savings_lines'),
  {
    ...byOwner('POST /workstreams/:V2/reopen', { phase: 'idea', reason: 'Scope widened' }),
    table: 'workstreams',
    status: 200,
  },
  byOwner('POST /workstreams/:V/actions', { action: 'Report the options to Cabinet' }),
  byOwner('POST /workstreams/:V/risks', { description: 'Winter', likelihood: 4, impact: 4 }),
  byOwner('POST /workstreams/:V/funding', { funder: 'Inverclyde Council', amountPence: 100 }),
  byOwner('POST /workstreams/:V/business-cases', { title: 'Options appraisal' }),
  byOwner('POST /workstreams/:V2/participants', { priorityRank: 2 }),
  byOwner('POST /workstreams/:V2/business-cases/:v2Case/decisions', {
    decision: 'approved',
    decidedOn: '2030-05-01',
  }),
  byOwner('PATCH /workstreams/:V/actions/:vAction', { timescale: 'Q3 2030-31' }, 'key_actions'),
  byOwner('PATCH /workstreams/:V/risks/:vRisk', { mitigation: 'Gritting plan' }, 'risks'),
  byOwner('PATCH /workstreams/:V/funding/:vFunding', { description: 'Reserves' }, 'funding_lines'),
  byOwner(
    'PATCH /workstreams/:V/business-cases/:vCase',
    { summary: 'Three options' },
    'business_cases',
  ),
  byOwner(
    'PATCH /workstreams/:V/participants/:vParticipant',
    { priorityRank: 3 },
    'workstream_participants',
  ),
  byOwner(
    'PATCH /workstreams/:V/business-cases/:vCase/decisions/:vDecision',
    { reference: 'Cabinet minute 12' },
    'business_case_decisions',
  ),
  // co-operation agreements between Glasgow (initiating) and Inverclyde: only parties read;
  // the initiating council's officers and admins write terms; each party's admins act for it
  ...['', '/versions', '/versions/1', '/versions/1/documents'].map((child) =>
    read(`/agreements/:A${child}`, NOT_PARTIES),
  ),
  {
    route: 'POST /agreements',
    body: () => agreementTerms('GCC/2'),
    reader: ['glasgowViewer'],
    allowed: 'glasgowOfficer',
  },
  {
    route: 'PATCH /agreements/:AD',
    body: { summary: 'Shared services across the Clyde' },
    table: 'agreements',
    outsider: NOT_PARTIES,
    reader: ['inverclydeAdmin', 'inverclydeOfficer', 'glasgowViewer'],
    allowed: 'glasgowOfficer',
  },
  {
    route: 'POST /agreements/:AD/submit',
    table: 'agreements',
    outsider: NOT_PARTIES,
    reader: ['inverclydeAdmin', 'glasgowViewer'],
    allowed: 'glasgowOfficer',
    status: 200,
  },
  {
    route: 'POST /agreements/:A/approve',
    body: {
      versionNumber: 1,
      decisionBody: 'Policy and Resources Committee',
      decidedOn: '2030-02-01',
    },
    outsider: NOT_PARTIES,
    reader: ['inverclydeOfficer', 'inverclydeViewer', 'glasgowOfficer'],
    allowed: 'inverclydeAdmin',
    status: 200,
  },
  {
    route: 'POST /agreements/:AS/sign',
    body: {
      versionNumber: 1,
      signatoryName: 'J Smith',
      signatoryRole: 'Leader',
      signedOn: '2030-03-01',
    },
    outsider: NOT_PARTIES,
    reader: ['inverclydeOfficer', 'glasgowOfficer', 'glasgowViewer'],
    allowed: 'inverclydeAdmin',
    status: 200,
  },
  {
    route: 'POST /agreements/:AR/start-review',
    table: 'agreements',
    outsider: NOT_PARTIES,
    reader: ['inverclydeOfficer', 'glasgowOfficer', 'glasgowViewer'],
    allowed: 'inverclydeAdmin',
    status: 200,
  },
  // reports of Inverclyde: private ones its own; shared ones read by P's members too; its
  // officers write drafts, its admins approve
  read('/reports/:R', ['glasgowOfficer', 'glasgowAdmin', 'banesOfficer']),
  read('/reports/:R/render?format=md', ['glasgowOfficer', 'banesOfficer']),
  read('/reports/:RS', NOT_MEMBERS, 'glasgowViewer'),
  read('/reports/:RS/render?format=html', NOT_MEMBERS, 'glasgowViewer'),
  {
    route: 'POST /reports',
    body: {
      title: 'Roads budget',
      type: 'committee_report',
      periodTo: '2030-03-31',
      purpose: 'To update members.',
    },
    reader: ['inverclydeViewer'],
    allowed: 'inverclydeOfficer',
  },
  {
    route: 'PATCH /reports/:RD',
    body: { wards: 'All' },
    table: 'reports',
    outsider: NOT_MEMBERS,
    reader: ['glasgowOfficer', 'glasgowAdmin', 'inverclydeViewer'],
    allowed: 'inverclydeOfficer',
  },
  {
    route: 'POST /reports/:RD/submit',
    table: 'reports',
    outsider: NOT_MEMBERS,
    reader: ['glasgowAdmin', 'inverclydeViewer'],
    allowed: 'inverclydeOfficer',
    status: 200,
  },
  {
    route: 'POST /reports/:RA/approve',
    body: {
      accountableOfficer: 'Head of Policy',
      accountableOfficerOn: '2030-04-01',
      accountableDirector: 'Corporate Director',
      accountableDirectorOn: '2030-04-02',
    },
    table: 'reports',
    outsider: NOT_MEMBERS,
    reader: ['inverclydeOfficer', 'glasgowAdmin', 'inverclydeViewer'],
    allowed: 'inverclydeAdmin',
    status: 200,
  },
  // service areas: every signed-in user reads the list; platform admins extend it
  read('/service-areas', [], 'banesOfficer'),
  {
    route: 'POST /service-areas',
    body: { code: 'libraries', name: 'Libraries' },
    reader: ['glasgowAdmin', 'inverclydeOfficer', 'banesAdmin'],
    allowed: 'platform',
  },
];

describe('the access matrix of docs/access-rules.md', () => {
  let t: TestApp;
  let world: World;
  const as = {} as Record<Caller, SignedIn>;

  const stored = <T>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  const auditCount = async () =>
    Number((await stored<{ n: string }>('SELECT count(*) AS n FROM audit_events'))[0].n);
  /** The stored version of the record a path ends with. */
  const versionOf = async (table: string, path: string) => {
    const column = table === 'council_profiles' ? 'council_id' : 'id';
    const rows = await stored<{ version: number }>(
      `SELECT version FROM ${table} WHERE ${column} = $1`,
      [id[lastKey(path)]],
    );
    return rows[0].version;
  };
  const send = (who: Caller, method: Method, path: string, body?: object, expected?: number) =>
    call(t, as[who], method, fill(path), body, expected);
  const create = async (who: Caller, path: string, body: object) =>
    (await send(who, 'post', path, body, 201)).body.id as string;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    for (const [name, gss] of Object.entries(GSS)) id[name] = await world.council(gss);
    as.platform = world.admin;
    for (const [name, [council, role]] of Object.entries(CALLERS)) {
      as[name as Caller] = await world.user(id[council], role);
    }
    id.glasgowUser = (await world.user(id.glasgow, 'viewer')).id;

    const newPartnership = (name: string) =>
      create('glasgowAdmin', '/partnerships', { name, kind: 'other' });
    const member = (p: string, council: string) =>
      create('glasgowAdmin', `/partnerships/${p}/members`, { councilId: id[council] });
    id.P = await newPartnership('Clyde Valley');
    await member(id.P, 'lanarkshire');
    await member(id.P, 'inverclyde');
    id.leaving = await member(id.P, 'westDunbartonshire');
    await send('glasgowAdmin', 'delete', '/partnerships/:P/members/:leaving', undefined, 204);
    id.PM = await newPartnership('Clyde Valley members');
    id.memberLanarkshire = await member(id.PM, 'lanarkshire');
    id.memberInverclyde = await member(id.PM, 'inverclyde');
    id.PH = await newPartnership('Clyde Valley hand-over');
    await member(id.PH, 'lanarkshire');

    const shared = { partnershipId: id.P, leadCouncilIds: [id.glasgow, id.lanarkshire] };
    id.W = (await workstream(t, as.glasgowOfficer, { title: 'Waste', ...shared })).id;
    const roads = { title: 'Roads', serviceArea: 'roads', phase: 'research', ...shared };
    id.W2 = await create('glasgowOfficer', '/workstreams', roads);
    const lead = (child: string, body: object) =>
      create('glasgowOfficer', `/workstreams/:W/${child}`, body);
    id.milestone = await lead('milestones', { title: 'Lead officer named', dueOn: '2030-03-12' });
    id.action = await lead('actions', { action: 'Agree scope' });
    id.risk = await lead('risks', { description: 'Funding', likelihood: 3, impact: 4 });
    id.funding = await lead('funding', { funder: 'Local Partnerships', amountPence: 1000 });
    id.case = await submittedCase(t, as.glasgowOfficer, id.W, 'Outline case');
    const own = (path: string, body: object) => create('inverclydeOfficer', path, body);
    id.participant = await own('/workstreams/:W/participants', { priorityRank: 1 });
    id.decision = await own('/workstreams/:W/business-cases/:case/decisions', {
      decision: 'approved',
      decidedOn: '2030-03-25',
    });
    const line = { financialYear: '2030-31', plannedPence: 1000, cashable: true };
    id.savings = await own('/workstreams/:W/savings', line);
    id.V = (await workstream(t, as.inverclydeOfficer, { title: 'Budget review of roads' })).id;
    id.vMilestone = await own('/workstreams/:V/milestones', {
      title: 'Options',
      dueOn: '2030-06-30',
    });
    id.vSavings = await own('/workstreams/:V/savings', line);
    const ownV = (child: string, body: object) => own(`/workstreams/:V/${child}`, body);
    id.vAction = await ownV('actions', { action: 'Appraise the options' });
    id.vRisk = await ownV('risks', { description: 'Budget', likelihood: 2, impact: 5 });
    id.vFunding = await ownV('funding', { funder: 'Reserves', amountPence: 5000 });
    id.vCase = await submittedCase(t, as.inverclydeOfficer, id.V, 'Roads budget');
    id.vParticipant = await ownV('participants', { priorityRank: 1 });
    id.vDecision = await ownV('business-cases/:vCase/decisions', {
      decision: 'approved',
      decidedOn: '2030-03-25',
    });
    id.V2 = await own('/workstreams', { title: 'Roads', serviceArea: 'roads', phase: 'research' });
    id.v2Case = await submittedCase(t, as.inverclydeOfficer, id.V2, 'Roads');
    id.B = (await workstream(t, as.banesOfficer, { title: 'Library review' })).id;

    // A in approval, AD a draft, AS approved by both, AR active.
    const agreement = async (reference: string, steps: number) => {
      const key = `agreement${reference.replace(/\W/g, '')}`;
      id[key] = await create('glasgowOfficer', '/agreements', agreementTerms(reference));
      const path = `/agreements/:${key}`;
      const decision = { versionNumber: 1, decisionBody: 'Council', decidedOn: '2030-01-10' };
      const signature = {
        versionNumber: 1,
        signatoryName: 'X',
        signatoryRole: 'Leader',
        signedOn: '2030-01-20',
      };
      if (steps > 0) await send('glasgowOfficer', 'post', `${path}/submit`, { version: 1 }, 200);
      for (const admin of steps > 1 ? (['glasgowAdmin', 'inverclydeAdmin'] as const) : []) {
        await send(admin, 'post', `${path}/approve`, decision, 200);
      }
      for (const admin of steps > 2 ? (['glasgowAdmin', 'inverclydeAdmin'] as const) : []) {
        await send(admin, 'post', `${path}/sign`, signature, 200);
      }
      return id[key];
    };
    const report = (title: string, visibility: string) =>
      create('inverclydeOfficer', '/reports', {
        title,
        type: 'committee_report',
        periodTo: '2030-02-18',
        partnershipId: id.P,
        visibility,
        purpose: 'To update members on the Clyde Valley work streams.',
      });
    id.R = await report('Inverclyde roads', 'private');
    id.RS = await report('Clyde Valley next steps', 'partnership');
    id.RD = await report('Clyde Valley draft', 'partnership');
    id.RA = await report('Clyde Valley for approval', 'partnership');
    await send('inverclydeOfficer', 'post', '/reports/:RA/submit', { version: 1 }, 200);
    id.A = await agreement('GCC/A', 1);
    id.AD = await agreement('GCC/D', 0);
    id.AS = await agreement('GCC/S', 2);
    id.AR = await agreement('GCC/R', 3);
  });
  afterAll(() => t.close());

  it.each(
    RULES.map((rule) => ({ ...rule, title: [rule.route, rule.note].filter(Boolean).join(' ') })),
  )('$title', async (rule) => {
    const [verb, path] = rule.route.split(' ');
    const method = verb.toLowerCase() as Method;
    const body = async () =>
      method === 'get' || method === 'delete'
        ? undefined
        : {
            ...(typeof rule.body === 'function' ? rule.body() : rule.body),
            ...(rule.table && { version: await versionOf(rule.table, path) }),
          };
    const auditBefore = await auditCount();
    const version = async () => (rule.table ? versionOf(rule.table, path) : undefined);
    const versionBefore = await version();
    const due: [Caller, number][] = [
      ...(rule.outsider ?? []).map((who): [Caller, number] => [who, 404]),
      ...(rule.reader ?? []).map((who): [Caller, number] => [who, 403]),
    ];
    const answered: [Caller, number][] = [];
    for (const [who] of due) {
      answered.push([who, (await send(who, method, path, await body())).status]);
    }
    expect(answered).toEqual(due);
    expect(await auditCount()).toBe(auditBefore);
    expect(await version()).toBe(versionBefore);

    const res = await send(rule.allowed, method, path, await body());
    expect([rule.allowed, res.status]).toEqual([rule.allowed, rule.status ?? SUCCESS[method]]);
    if (method !== 'get') expect(await auditCount()).toBeGreaterThan(auditBefore);
    if (rule.table) expect(await version()).toBe(versionBefore! + 1);
  });

  describe('lists leave out what the caller may not see', () => {
    const ids = async (who: Caller, path: string) =>
      ((await send(who, 'get', path, undefined, 200)).body.data as { id: string }[]).map(
        (row) => row.id,
      );

    it('partnerships and workstreams', async () => {
      for (const who of NOT_MEMBERS) {
        expect(await ids(who, '/partnerships?limit=100')).not.toContain(id.P);
        expect(await ids(who, '/workstreams?limit=100')).not.toContain(id.W);
      }
      expect(await ids('formerOfficer', '/workstreams?partnershipId=:P')).toEqual([]);
      for (const who of NOT_OWNER) {
        expect(await ids(who, '/workstreams?limit=100')).not.toContain(id.V);
      }
      expect(await ids('inverclydeViewer', '/workstreams?limit=100')).toEqual(
        expect.arrayContaining([id.W, id.V]),
      );
    });

    it('reports: the owner council, and members of a shared one', async () => {
      for (const who of ['glasgowOfficer', 'banesOfficer'] as Caller[]) {
        expect(await ids(who, '/reports?limit=100')).not.toContain(id.R);
      }
      for (const who of NOT_MEMBERS) expect(await ids(who, '/reports?limit=100')).toEqual([]);
      expect(await ids('glasgowViewer', '/reports?limit=100')).toContain(id.RS);
    });

    it('agreements: their parties only', async () => {
      for (const who of NOT_PARTIES) {
        expect(await ids(who, '/agreements?limit=100')).toEqual([]);
        expect(await ids(who, '/agreements?partyCouncilId=:glasgow')).toEqual([]);
      }
      expect(await ids('inverclydeViewer', '/agreements?limit=100')).toContain(id.A);
    });

    it("users: their own council's only", async () => {
      for (const who of ['banesAdmin', 'lanarkshireAdmin'] as const) {
        expect(await ids(who, '/users?limit=100')).not.toContain(id.glasgowUser);
      }
      expect(await ids('glasgowViewer', '/users?limit=100')).toContain(id.glasgowUser);
    });

    it("audit events: the admin's own council's only", async () => {
      const events = async (who: Caller, key: string) =>
        (await ids(who, `/audit-events?entityId=:${key}`)).length;
      expect(await events('inverclydeAdmin', 'milestone')).toBe(0);
      expect(await events('banesAdmin', 'glasgowUser')).toBe(0);
      expect(await events('glasgowAdmin', 'vSavings')).toBe(0);
      expect(await events('glasgowAdmin', 'milestone')).toBeGreaterThan(0);
      expect(await events('inverclydeAdmin', 'vSavings')).toBeGreaterThan(0);
    });

    it("the council directory: another council's entry, without its profile", async () => {
      const res = await send('banesOfficer', 'get', '/councils/:glasgow', undefined, 200);
      expect(Object.keys(res.body).sort().join()).toBe('gssCode,id,name,nation,slug,type');
    });

    it("savings totals and the dashboard: nothing of another council's private workstream", async () => {
      for (const who of NOT_OWNER) {
        const totals = await send(who, 'get', '/savings/totals?workstreamId=:V');
        expect([who, totals.status, totals.body.total.plannedPence]).toEqual([who, 200, 0]);
      }
      const own = await send('inverclydeViewer', 'get', '/savings/totals?workstreamId=:V');
      expect(own.body.total.plannedPence).toBeGreaterThan(0);
      // Only a platform admin chooses whose dashboard; anyone else naming another council is 403.
      const other = await send('banesOfficer', 'get', '/dashboard?councilId=:inverclyde');
      expect(other.status).toBe(403);
      const dashboard = await send('banesOfficer', 'get', '/dashboard?councilId=:banes');
      expect(dashboard.status).toBe(200);
      expect(dashboard.body).toMatchObject({ councilId: id.banes, workstreams: { total: 1 } });
    });
  });

  describe('no way round', () => {
    it('answers a record the caller may not see exactly as one that does not exist', async () => {
      const missing = '00000000-0000-4000-8000-000000000001';
      const cases: [Caller, Method, string][] = [
        ['banesOfficer', 'get', '/workstreams/:W'],
        ['banesOfficer', 'patch', '/workstreams/:W/milestones/:milestone'],
        ['banesAdmin', 'get', '/partnerships/:P/members'],
        ['banesAdmin', 'get', '/users/:glasgowUser'],
        ['glasgowOfficer', 'get', '/workstreams/:V/savings'],
      ];
      for (const [who, method, path] of cases) {
        const problem = async (p: string) => {
          const body = method === 'patch' ? { version: 1 } : undefined;
          const { status, title, detail } = (await send(who, method, p, body)).body;
          return { status, title, detail };
        };
        const seen = await problem(path);
        expect([path, seen.status]).toEqual([path, 404]);
        expect(await problem(path.replace(/:\w+/, missing))).toEqual(seen);
      }
    });

    it("answers 404 to an id of another workstream's or partnership's record, changing nothing", async () => {
      // Each caller may change records under the first id; the second is another's record.
      const attempts: [Caller, string, string, object?][] = [
        ['banesOfficer', '/workstreams/:B/milestones/:milestone', 'milestones'],
        ['glasgowOfficer', '/workstreams/:W/milestones/:vMilestone', 'milestones'],
        ['inverclydeOfficer', '/workstreams/:V/savings/:savings', 'savings_lines'],
        [
          'glasgowAdmin',
          '/partnerships/:P/members/:memberLanarkshire',
          'partnership_members',
          { role: 'member' },
        ],
      ];
      const before = await auditCount();
      for (const [who, path, table, body] of attempts) {
        const version = await versionOf(table, path);
        const res = await send(who, 'patch', path, { ...body, version });
        expect([who, path, res.status]).toEqual([who, path, 404]);
        expect(await versionOf(table, path)).toBe(version);
      }
      expect(await auditCount()).toBe(before);
    });

    it("answers 403 to a line or a decision naming another council's councilId, storing nothing", async () => {
      const councilId = id.inverclyde;
      const before = await auditCount();
      const line = await send('glasgowOfficer', 'post', '/workstreams/:W/savings', {
        ...{ financialYear: '2032-33', cashable: true, councilId },
      });
      const decision = await send(
        'glasgowOfficer',
        'post',
        '/workstreams/:W/business-cases/:case/decisions',
        { decision: 'deferred', decidedOn: '2030-04-01', councilId },
      );
      for (const res of [line, decision]) expect(res.status).toBe(403);
      expect(await auditCount()).toBe(before);
    });
  });
});
