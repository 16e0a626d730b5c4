import { defineConnector, type ConnectorLintInput, type LintContext } from '../define.js';
import type { Issue } from '../../core/issues.js';
import { REST_DOCS } from './docs.js';
import { parsePath } from './json-path.js';
import { lintTagged } from './lint-union.js';
import { authSchema, paginationSchema, restConnection, restSinkOptions, restSourceOptions } from './options.js';

/** JSON HTTP APIs: paginated extracts, bulk or webhook-style loads. */
export const rest = defineConnector({
  name: 'rest',
  summary: 'JSON HTTP APIs: paginated reads (page, offset, cursor, next URL, Link header), bulk or webhook loads',
  docs: REST_DOCS,
  status: 'beta',
  connection: restConnection,
  source: { options: restSourceOptions, capabilities: { incremental: true, knows_schema: false } },
  sink: { options: restSinkOptions, capabilities: { modes: ['append'], transactional: false, atomic_replace: false } },
  url_schemes: ['http', 'https'],
  connectionFromUrl: (url: string) => ({ base_url: url }),
  examples: [
    {
      title: 'Incremental extract of a paginated API to NDJSON',
      yaml: `version: 1
name: tickets_export
connections:
  helpdesk:
    type: rest
    base_url: https://api.example.com/v2
    auth: { type: bearer, token: "\${env:HELPDESK_TOKEN}" }
    requests_per_second: 5
extract:
  type: rest
  connection: helpdesk
  path: tickets
  params: { status: open }
  records: data.items
  pagination: { type: cursor, cursor_path: meta.next_cursor, cursor_param: cursor }
  incremental_param: updated_since
  incremental: { column: updated_at, initial: "2024-01-01T00:00:00Z" }
load:
  type: ndjson
  path: out/tickets.ndjson
`,
    },
    {
      title: 'Follow Link headers with an oauth2 client',
      yaml: `version: 1
name: invoices_copy
connections:
  billing:
    type: rest
    base_url: https://billing.example.com/api
    auth:
      type: oauth2
      token_url: https://auth.example.com/oauth/token
      client_id: etl
      client_secret: "\${env:BILLING_SECRET}"
      scope: invoices.read
extract:
  type: rest
  connection: billing
  path: invoices
  pagination: { type: link_header, max_pages: 500 }
load:
  type: csv
  path: out/invoices.csv
`,
    },
    {
      title: 'Send CSV rows to a bulk endpoint, rejecting what the API refuses',
      yaml: `version: 1
name: contacts_push
extract:
  type: csv
  path: data/contacts.csv
load:
  type: rest
  url: https://crm.example.com/api/contacts/bulk
  auth: { type: api_key, name: X-API-Key, value: "\${env:CRM_KEY}" }
  batch_size: 50
  errors_path: results.errors
errors:
  dead_letter: rejects/contacts.ndjson
`,
    },
  ],
  lint: lintRest,
  async load() {
    const { restRuntime } = await import('./runtime.js');
    return restRuntime;
  },
});

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

function lintRest(input: ConnectorLintInput, ctx: LintContext): readonly Issue[] {
  const o = input.options;
  const at = (key: string): string => `${input.path}/${key}`;
  const issues: Issue[] = lintTagged(o['auth'], authSchema, at('auth'), '`auth`', ctx);
  if (input.role === 'connection') return issues;
  issues.push(...lintTagged(o['pagination'], paginationSchema, at('pagination'), '`pagination`', ctx));
  const base = input.connection?.['base_url'];
  const rel = typeof o['url'] === 'string' ? o['url'] : typeof o['path'] === 'string' ? o['path'] : undefined;
  if (o['url'] !== undefined && o['path'] !== undefined) {
    issues.push(ctx.issue(at('path'), 'E_REST_URL_AND_PATH', 'give either `url` or `path`, not both', '`path` is appended to the connection base_url; `url` may be a full URL'));
  }
  if (typeof base !== 'string' && !(rel !== undefined && (ABSOLUTE.test(rel) || rel.includes('${')))) {
    issues.push(ctx.issue(input.path, 'E_REST_NO_URL', 'rest stage has no absolute URL', 'give `url: https://…`, or a `connection:` with base_url and a `path`'));
  }
  const paths: [string, unknown][] = [['records', o['records']], ['errors_path', o['errors_path']]];
  const pagination = o['pagination'] as Record<string, unknown> | undefined;
  if (pagination) paths.push(['pagination/cursor_path', pagination['cursor_path']], ['pagination/next_path', pagination['next_path']]);
  for (const [key, value] of paths) {
    if (typeof value !== 'string') continue;
    try {
      parsePath(value);
    } catch (err) {
      issues.push(ctx.issue(at(key), 'E_REST_PATH', (err as Error).message, 'use a dotted path like data.items ($ = the whole body)'));
    }
  }
  if (input.role === 'source' && o['body'] !== undefined && o['method'] !== 'POST') {
    issues.push(ctx.issue(at('body'), 'E_REST_BODY_NEEDS_POST', '`body` is only sent with `method: POST`', 'add `method: POST`, or move the values to `params`'));
  }
  return issues;
}
