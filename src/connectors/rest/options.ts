import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { columnsOption, modeOption } from '../shared-schema.js';

const secret = (description: string) =>
  Type.String({ minLength: 1, writeOnly: true, 'x-secret': true, description });

const strict = { additionalProperties: false } as const;

export const authSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('bearer'), token: secret('Sent as `Authorization: Bearer <token>`; use ${env:...}.') }, strict),
    Type.Object({
      type: Type.Literal('basic'),
      user: Type.String({ description: 'User name for HTTP Basic auth.' }),
      password: secret('Password for HTTP Basic auth; use ${env:...}.'),
    }, strict),
    Type.Object({
      type: Type.Literal('api_key'),
      name: Type.String({ minLength: 1, description: 'Header or query parameter name (X-API-Key, api_key).' }),
      value: secret('The key; use ${env:...}.'),
      in: Type.Optional(Type.Union([Type.Literal('header'), Type.Literal('query')], { default: 'header', description: 'header | query.' })),
    }, strict),
    Type.Object({
      type: Type.Literal('oauth2'),
      token_url: Type.String({ minLength: 1, description: 'Token endpoint (client-credentials grant).' }),
      client_id: Type.String({ minLength: 1 }),
      client_secret: secret('Client secret; use ${env:...}.'),
      scope: Type.Optional(Type.String({ description: 'Space-separated scopes to request.' })),
    }, strict),
  ],
  { description: 'Authentication: { type: bearer, token } | { type: basic, user, password } | { type: api_key, name, value, in } | { type: oauth2, token_url, client_id, client_secret, scope }.' },
);
export type AuthOptions = Static<typeof authSchema>;

/** HTTP settings a connection holds and a stage may override (no defaults on the stage side). */
function httpProps(defaults: boolean) {
  const d = <T extends Record<string, unknown>>(value: unknown, extra: T): T => (defaults ? { ...extra, default: value } : extra);
  return {
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Extra request headers.' })),
    auth: Type.Optional(authSchema),
    timeout_secs: Type.Optional(Type.Number(d(30, { exclusiveMinimum: 0, maximum: 3600, description: 'Per-request timeout (connect, headers and body).' }))),
    requests_per_second: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Rate limit: at most one request every 1/requests_per_second seconds.' })),
    concurrency: Type.Optional(Type.Integer(d(1, { minimum: 1, maximum: 64, description: 'Requests in flight at once (sink only; the source pages one after another).' }))),
  };
}

export const restConnection = Type.Object(
  {
    base_url: Type.Optional(Type.String({ minLength: 1, description: 'Base URL; a stage `path` is appended to it.' })),
    ...httpProps(true),
  },
  strict,
);
export type RestConnection = Static<typeof restConnection>;

const maxPages = Type.Optional(Type.Integer({ minimum: 1, description: 'Stop after this many pages.' }));

export const paginationSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('none') }, strict),
    Type.Object({
      type: Type.Literal('page'),
      param: Type.Optional(Type.String({ minLength: 1, default: 'page', description: 'Query parameter holding the page number.' })),
      start: Type.Optional(Type.Integer({ default: 1, description: 'First page number.' })),
      size_param: Type.Optional(Type.String({ minLength: 1, description: 'Query parameter holding the page size.' })),
      size: Type.Optional(Type.Integer({ minimum: 1, description: 'Page size; a page with fewer records is the last.' })),
      max_pages: maxPages,
    }, strict),
    Type.Object({
      type: Type.Literal('offset'),
      offset_param: Type.Optional(Type.String({ minLength: 1, default: 'offset' })),
      limit_param: Type.Optional(Type.String({ minLength: 1, default: 'limit' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, default: 100, description: 'Records per request; a shorter page is the last.' })),
      max_pages: maxPages,
    }, strict),
    Type.Object({
      type: Type.Literal('cursor'),
      cursor_path: Type.String({ minLength: 1, description: 'Where the next cursor is in the response body (data.next_cursor).' }),
      cursor_param: Type.Optional(Type.String({ minLength: 1, default: 'cursor', description: 'Query parameter that sends the cursor back.' })),
      max_pages: maxPages,
    }, strict),
    Type.Object({
      type: Type.Literal('next_url'),
      next_path: Type.String({ minLength: 1, description: 'Where the next page URL is in the body (links.next); absolute or relative.' }),
      max_pages: maxPages,
    }, strict),
    Type.Object({ type: Type.Literal('link_header'), max_pages: maxPages }, strict),
  ],
  { description: 'How to get the next page: none | page | offset | cursor | next_url | link_header.' },
);
export type PaginationOptions = Static<typeof paginationSchema>;

const { concurrency: _sinkOnly, ...sourceHttpProps } = httpProps(false);

const target = {
  url: Type.Optional(Type.String({ minLength: 1, description: 'Full URL (without a connection), or a URL relative to base_url.' })),
  path: Type.Optional(Type.String({ minLength: 1, description: 'Path appended to the connection base_url (items, /v1/items?status=open).' })),
};

const param: TSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const restSourceOptions = Type.Object(
  {
    ...target,
    method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('POST')], { default: 'GET' })),
    body: Type.Optional(Type.Unknown({ description: 'JSON body sent with method POST.' })),
    params: Type.Optional(Type.Record(Type.String(), param, { description: 'Query parameters of every request.' })),
    records: Type.Optional(Type.String({ description: 'Where the records are in each response: data.items, $.data.items; `$` or empty = the body itself.' })),
    pagination: Type.Optional(paginationSchema),
    incremental_param: Type.Optional(Type.String({ minLength: 1, description: 'Query parameter that receives the watermark (updated_since).' })),
    incremental_until_param: Type.Optional(Type.String({ minLength: 1, description: 'Query parameter that receives the upper bound of `--to`.' })),
    columns: columnsOption,
    ...sourceHttpProps,
  },
  strict,
);
export type RestSourceOptions = Static<typeof restSourceOptions>;

export const restSinkOptions = Type.Object(
  {
    ...target,
    mode: modeOption(['append'], 'append'),
    method: Type.Optional(Type.Union([Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH')], { default: 'POST' })),
    body_format: Type.Optional(Type.Union([Type.Literal('array'), Type.Literal('object')], {
      default: 'array',
      description: 'array: a JSON array of up to batch_size records per request; object: one record per request (webhook).',
    })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 100, description: 'Records per request with body_format array.' })),
    errors_path: Type.Optional(Type.String({ description: 'Where a 2xx/207 response lists per-record errors (errors, $.result.failures).' })),
    ...httpProps(false),
  },
  strict,
);
export type RestSinkOptions = Static<typeof restSinkOptions>;
