import { RunError } from '../../core/errors.js';
import type { EventSink } from '../../core/events.js';
import { getPath, parsePath } from './json-path.js';
import { restoreScalar } from '../shared/exact-json.js';
import { findLink } from './link-header.js';
import type { PaginationOptions } from './options.js';

export interface PageRequest {
  readonly url: URL;
  /** 1-based page number. */
  readonly number: number;
}

export interface PageResult {
  readonly records: number;
  /** the URL that answered (after redirects): relative next links resolve against it. */
  readonly url: URL;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface Pager {
  readonly first: PageRequest;
  /** the next request, or undefined when this page was the last (see the stop rules in the docs). */
  next(prev: PageRequest, page: PageResult): PageRequest | undefined;
  /** one line for describe(): 'page (page=1, 2, …; per_page=100)'. */
  readonly summary: string;
}

function withParam(url: URL, name: string, value: string | number): URL {
  const out = new URL(url);
  out.searchParams.set(name, String(value));
  return out;
}

/** Builds the pager; `warn` reports a loop (the API sent the same cursor/next URL twice). */
export function createPager(p: PaginationOptions | undefined, start: URL, warn: EventSink, stage: string): Pager {
  const max = p && 'max_pages' in p ? p.max_pages : undefined;
  const capped = (next: (prev: PageRequest, page: PageResult) => PageRequest | undefined) =>
    (prev: PageRequest, page: PageResult): PageRequest | undefined => (max !== undefined && prev.number >= max ? undefined : next(prev, page));
  const loop = (what: string, value: string): undefined => {
    warn({ type: 'warning', stage, message: `rest: the API sent the same ${what} twice (${value.slice(0, 60)}); stopped paging` });
    return undefined;
  };
  const suffix = max === undefined ? '' : `, at most ${max} pages`;
  switch (p?.type ?? 'none') {
    case 'page': {
      const o = p as Extract<PaginationOptions, { type: 'page' }>;
      const param = o.param ?? 'page';
      const first = o.start ?? 1;
      const sized = o.size_param !== undefined && o.size !== undefined ? withParam(start, o.size_param, o.size) : start;
      return {
        first: { url: withParam(sized, param, first), number: 1 },
        summary: `page (${param}=${first}, ${first + 1}, …${o.size_param && o.size ? `; ${o.size_param}=${o.size}` : ''}${suffix})`,
        next: capped((prev, page) => {
          if (page.records === 0 || (o.size !== undefined && page.records < o.size)) return undefined;
          return { url: withParam(prev.url, param, first + prev.number), number: prev.number + 1 };
        }),
      };
    }
    case 'offset': {
      const o = p as Extract<PaginationOptions, { type: 'offset' }>;
      const [op, lp, limit] = [o.offset_param ?? 'offset', o.limit_param ?? 'limit', o.limit ?? 100];
      let offset = 0;
      return {
        first: { url: withParam(withParam(start, lp, limit), op, 0), number: 1 },
        summary: `offset (${op}=0, ${limit}, …; ${lp}=${limit}${suffix})`,
        next: capped((prev, page) => {
          if (page.records < limit) return undefined;
          offset += page.records;
          return { url: withParam(prev.url, op, offset), number: prev.number + 1 };
        }),
      };
    }
    case 'cursor': {
      const o = p as Extract<PaginationOptions, { type: 'cursor' }>;
      const path = parsePath(o.cursor_path);
      const param = o.cursor_param ?? 'cursor';
      const sent = new Set<string>();
      return {
        first: { url: start, number: 1 },
        summary: `cursor (${param} from ${o.cursor_path}${suffix})`,
        next: capped((prev, page) => {
          const raw = restoreScalar(getPath(page.body, path));
          if (raw === null || raw === undefined || raw === '' || raw === false) return undefined;
          if (typeof raw === 'object') throw notScalar('cursor_path', o.cursor_path, prev.number);
          const cursor = String(raw);
          if (sent.has(cursor)) return loop('cursor', cursor);
          sent.add(cursor);
          return { url: withParam(start, param, cursor), number: prev.number + 1 };
        }),
      };
    }
    case 'next_url': {
      const o = p as Extract<PaginationOptions, { type: 'next_url' }>;
      const path = parsePath(o.next_path);
      return urlPager(start, `next_url (from ${o.next_path}${suffix})`, capped, loop, (prev, page) => {
        const raw = getPath(page.body, path);
        if (raw === null || raw === undefined || raw === '') return undefined;
        if (typeof raw !== 'string') throw notScalar('next_path', o.next_path, prev.number);
        return raw;
      });
    }
    case 'link_header':
      return urlPager(start, `link_header (rel="next"${suffix})`, capped, loop, (_prev, page) => findLink(page.headers.get('link'), 'next'));
    default:
      return { first: { url: start, number: 1 }, summary: 'none (one request)', next: () => undefined };
  }
}

type Capped = (next: (prev: PageRequest, page: PageResult) => PageRequest | undefined) => Pager['next'];

/** next_url and link_header: the API names the next URL (absolute, or relative to the current one). */
function urlPager(start: URL, summary: string, capped: Capped, loop: (what: string, v: string) => undefined,
  nextOf: (prev: PageRequest, page: PageResult) => string | undefined): Pager {
  const seen = new Set<string>([start.toString()]);
  return {
    first: { url: start, number: 1 },
    summary,
    next: capped((prev, page) => {
      const target = nextOf(prev, page);
      if (target === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(target, page.url);
      } catch {
        throw new RunError('E_REST_NEXT_URL', `page ${prev.number}: the next-page link is not a URL`, { hint: 'check next_path' });
      }
      if (seen.has(url.toString())) return loop('next-page URL', url.pathname);
      seen.add(url.toString());
      return { url, number: prev.number + 1 };
    }),
  };
}

function notScalar(option: string, path: string, page: number): RunError {
  return new RunError('E_REST_PAGINATION', `page ${page}: ${option} "${path}" points at an object or array, not a value`, {
    hint: `point ${option} at the field that holds the next cursor/URL`,
  });
}
