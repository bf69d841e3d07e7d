/**
 * `npm run cli -- seed-demo`: fills an empty database with the councils, partnerships and
 * workstreams of the seeds (see demo-data.ts), through the API itself (in-process, with
 * Fastify's `inject`), so every rule, row-level security policy and audit entry applies as it
 * would to a client. Only the users are written directly, active, with the given password.
 */
import { ServiceUrls } from '../database/database-urls';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../app.setup';
import { AppConfig } from '../config/configuration';
import {
  BANES,
  DECATS,
  DEMO_COUNCILS,
  DEMO_PARTNERSHIPS,
  DemoPartnership,
  DemoWorkstream,
  INVERCLYDE,
  INVERCLYDE_PRIORITIES,
  LANCASTER,
  LEEDS,
  NORTH_SOMERSET,
  E2649,
} from './demo-data';
import { DEMO_REPORTS, seedReports } from './demo-reports';
import { InsertUser } from './operator';

type Body = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PATCH';

class DemoClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly app: NestFastifyApplication,
    private readonly password: string,
  ) {}

  async login(email: string): Promise<void> {
    const res = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: this.password },
    });
    if (res.statusCode !== 200) throw new Error(`Signing in ${email}: ${res.body}`);
    this.tokens.set(email, res.json<{ accessToken: string }>().accessToken);
  }

  async as(email: string, method: Method, url: string, payload?: Body): Promise<Body> {
    const res = await this.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${this.tokens.get(email)}` },
      payload,
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} as ${email}: ${res.body}`);
    return res.json<Body>();
  }
}

export async function seedDemo(
  config: AppConfig,
  urls: ServiceUrls,
  password: string,
  insertUser: InsertUser,
  log: (line: string) => void,
): Promise<void> {
  const app = await createApp({ config: { ...config, logLevel: 'silent' }, ...urls });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    const api = new DemoClient(app, password);
    const platform = 'platform@demo.example';
    await insertUser(app, { email: platform, name: 'Demo Platform Admin', role: 'platform_admin' });
    await api.login(platform);
    const existing = await api.as(platform, 'GET', '/councils?limit=1');
    if ((existing.data as unknown[]).length) {
      throw new Error('seed-demo fills an empty database: councils already exist here');
    }
    const officer = new Map<string, string>();
    const admin = new Map<string, string>();
    const councilId = new Map<string, string>();
    for (const gss of DEMO_COUNCILS) {
      const council = await api.as(platform, 'POST', '/councils', { gssCode: gss });
      councilId.set(gss, council.id as string);
      for (const role of ['council_admin', 'officer'] as const) {
        const email = `${role === 'officer' ? 'officer' : 'admin'}@${council.slug as string}.example`;
        const name = `${role === 'officer' ? 'Officer' : 'Admin'}, ${council.name as string}`;
        await insertUser(app, { email, name, role, councilGss: gss });
        await api.login(email);
        (role === 'officer' ? officer : admin).set(gss, email);
      }
    }
    const ids = (gss: string[]) => gss.map((g) => councilId.get(g));
    const titles = new Map<string, string>();
    for (const p of DEMO_PARTNERSHIPS) {
      await seedPartnership(api, platform, p, ids, officer, titles);
    }
    for (const [title, rank] of INVERCLYDE_PRIORITIES) {
      await api.as(
        officer.get(INVERCLYDE)!,
        'POST',
        `/workstreams/${titles.get(title)}/participants`,
        {
          priorityRank: rank,
        },
      );
    }
    await seedDecats(api, officer.get(LEEDS)!);
    await seedLancasterCommitment(api, admin.get(LANCASTER)!, officer.get(LANCASTER)!, titles);
    await seedE2649(api, officer.get(BANES)!, admin.get(BANES)!, ids, titles);
    await seedReports(api, officer, admin);
    log(
      `Demo data loaded: ${DEMO_COUNCILS.length} councils, ${DEMO_PARTNERSHIPS.length} partnerships, ` +
        `${titles.size + 1} workstreams, 1 co-operation agreement, ${DEMO_REPORTS.length} reports. Sign in as ${platform}, admin@<council>.example or ` +
        `officer@<council>.example (e.g. officer@inverclyde-council.example) with the demo password.`,
    );
  } finally {
    await app.close();
  }
}

/** E 2649, drafted by B&NES, put to both councils, approved by B&NES Cabinet. */
async function seedE2649(
  api: DemoClient,
  officer: string,
  admin: string,
  ids: (gss: string[]) => (string | undefined)[],
  titles: Map<string, string>,
): Promise<void> {
  const [banes, northSomerset] = ids([BANES, NORTH_SOMERSET]);
  const partnerships = await api.as(officer, 'GET', '/partnerships');
  const partnership = (partnerships.data as { id: string; name: string }[]).find((p) =>
    p.name.includes('North Somerset'),
  );
  const draft = await api.as(officer, 'POST', '/agreements', {
    ...E2649.agreement,
    partnershipId: partnership?.id,
    parties: [
      { councilId: banes, ...E2649.contribution },
      { councilId: northSomerset, ...E2649.contribution },
    ],
    workstreamIds: E2649.workstreams.map((title) => titles.get(title)),
  });
  const id = draft.id as string;
  await api.as(officer, 'POST', `/agreements/${id}/submit`, { version: draft.version });
  await api.as(admin, 'POST', `/agreements/${id}/approve`, E2649.banesDecision);
}

/**
 * Lancaster put its name on the county's OJEU notice for the strategic partnership without a
 * business case of its own: it turns Inverclyde's rule off, then commits.
 */
async function seedLancasterCommitment(
  api: DemoClient,
  admin: string,
  officer: string,
  titles: Map<string, string>,
): Promise<void> {
  const me = await api.as(admin, 'GET', '/me');
  const council = me.council as { id: string; version: number };
  await api.as(admin, 'PATCH', `/councils/${council.id}`, {
    commitRequiresApprovedBusinessCase: false,
    version: council.version,
  });
  await api.as(
    officer,
    'POST',
    `/workstreams/${titles.get('Strategic partnership')}/participants`,
    {
      status: 'committed',
    },
  );
}

/** Members from the partnership's start, the administering council from the same date. */
async function seedPartnership(
  api: DemoClient,
  platform: string,
  p: DemoPartnership,
  ids: (gss: string[]) => (string | undefined)[],
  officer: Map<string, string>,
  titles: Map<string, string>,
): Promise<void> {
  const partnership = await api.as(platform, 'POST', '/partnerships', {
    name: p.name,
    kind: p.kind,
    description: p.description,
  });
  const id = partnership.id as string;
  for (const councilId of ids([p.administering, ...p.members])) {
    await api.as(platform, 'POST', `/partnerships/${id}/members`, {
      councilId,
      joinedOn: p.joinedOn,
    });
  }
  await api.as(platform, 'POST', `/partnerships/${id}/administering`, {
    councilId: ids([p.administering])[0],
    from: p.joinedOn,
  });
  for (const w of p.workstreams) {
    const created = await api.as(officer.get(w.leads[0])!, 'POST', '/workstreams', {
      title: w.title,
      serviceArea: w.serviceArea,
      description: w.description,
      partnershipId: id,
      leadCouncilIds: ids(w.leads),
      priorityRank: w.rank,
      phase: w.phaseReason ? undefined : w.phase,
    });
    if (w.phaseReason) await moveOn(api, officer.get(w.leads[0])!, created, w);
    titles.set(w.title, created.id as string);
    const lead = officer.get(w.leads[0])!;
    if (w.status)
      await api.as(lead, 'POST', `/workstreams/${created.id as string}/status-updates`, w.status);
    for (const milestone of w.milestones ?? []) {
      await api.as(lead, 'POST', `/workstreams/${created.id as string}/milestones`, milestone);
    }
  }
}

/**
 * A workstream the seed shows past its business case with none recorded starts as an idea
 * and moves on with the seed's words as the reason none was needed.
 */
async function moveOn(
  api: DemoClient,
  email: string,
  created: Record<string, unknown>,
  w: Pick<DemoWorkstream, 'phase' | 'phaseReason'>,
): Promise<void> {
  await api.as(email, 'PATCH', `/workstreams/${created.id as string}`, {
    phase: w.phase,
    phaseReason: w.phaseReason,
    version: created.version,
  });
}

/** Leeds' private improvement priority, with its funding at risk and key actions. */
async function seedDecats(api: DemoClient, leeds: string): Promise<void> {
  const w = await api.as(leeds, 'POST', '/workstreams', DECATS.workstream);
  const path = `/workstreams/${w.id as string}`;
  await api.as(leeds, 'POST', `${path}/status-updates`, DECATS.status);
  await api.as(leeds, 'POST', `${path}/funding`, DECATS.funding);
  for (const { milestones, ...action } of DECATS.actions) {
    const milestoneIds: string[] = [];
    for (const milestone of milestones) {
      milestoneIds.push(
        (await api.as(leeds, 'POST', `${path}/milestones`, milestone)).id as string,
      );
    }
    await api.as(leeds, 'POST', `${path}/actions`, { ...action, milestoneIds });
  }
  for (const description of DECATS.risks) {
    await api.as(leeds, 'POST', `${path}/risks`, { description });
  }
}
