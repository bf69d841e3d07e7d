/**
 * A small client written against the generated `paths` and `components`: it signs in and
 * lists workstreams. `Is<A, B>` holds only when A and B are the same type, so a property
 * documented as `object`, or nullable where it is not (or the reverse), fails to compile.
 */
export const CLIENT = `
import type { components, paths } from './api';

type Is<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function holds<T extends true>(): T | undefined { return undefined; }

type Login = paths['/api/v1/auth/login']['post'];
type LoginBody = Login['requestBody']['content']['application/json'];
type Tokens = Login['responses'][200]['content']['application/json'];
type List = paths['/api/v1/workstreams']['get'];
type ListQuery = NonNullable<List['parameters']['query']>;
type Page = List['responses'][200]['content']['application/json'];
type Problem = List['responses'][401]['content']['application/problem+json'];
type Workstream = Page['data'][number];
type Update = paths['/api/v1/workstreams/{id}']['patch']['requestBody']['content']['application/json'];
type User = components['schemas']['UserDto'];
type Create = paths['/api/v1/workstreams']['post']['requestBody']['content']['application/json'];

holds<Is<Tokens['accessToken'], string>>();
holds<Is<Tokens['expiresIn'], number>>();
holds<Is<Page['nextCursor'], string | null>>();
holds<Is<Workstream['title'], string>>();
holds<Is<Workstream['priorityRank'], number | null>>();
holds<Is<Workstream['rag'], 'red' | 'amber' | 'green' | null>>();
holds<Is<Workstream['leadOfficer'], components['schemas']['LeadOfficerDto'] | null>>();
holds<Is<NonNullable<Workstream['leadOfficer']>['jobTitle'], string | null>>();
holds<Is<Workstream['partnershipId'], string | null>>();
holds<Is<Workstream['leadCouncilIds'], string[]>>();
holds<Is<Update['leadOfficerId'], string | null | undefined>>();
holds<Is<Update['priorityRank'], number | null | undefined>>();
holds<Is<User['jobTitle'], string | null>>();
holds<Is<User['councilId'], string | null>>();
holds<Is<Problem['status'], number>>();
holds<Is<Create['phase'], 'idea' | 'research' | 'business_case' | undefined>>();
export const waste: Create = { title: 'An integrated waste management approach', serviceArea: 'waste' };
holds<Is<Problem['errors'], components['schemas']['FieldErrorDto'][] | undefined>>();

export async function firstWorkstreamTitle(base: string): Promise<string | undefined> {
  const credentials: LoginBody = {
    email: 'officer@inverclyde.gov.uk',
    password: 'correct horse battery staple',
  };
  const signIn = await fetch(base + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const tokens = (await signIn.json()) as Tokens;
  const query: ListQuery = { limit: 10, rag: 'red', serviceArea: 'waste' };
  const url = base + '/api/v1/workstreams?' + new URLSearchParams({ limit: String(query.limit) });
  const answer = await fetch(url, { headers: { Authorization: 'Bearer ' + tokens.accessToken } });
  if (!answer.ok) {
    const problem = (await answer.json()) as Problem;
    throw new Error(problem.title + ': ' + problem.detail);
  }
  const page = (await answer.json()) as Page;
  const cursor: string | null = page.nextCursor;
  const officer: string | null = page.data[0]?.leadOfficer?.jobTitle ?? null;
  const title: string | undefined = page.data[0]?.title;
  return cursor === null && officer === null ? title : title?.toUpperCase();
}
`;
