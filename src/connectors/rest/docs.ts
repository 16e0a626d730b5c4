/** `etl-cli connectors rest` and the README section. */
export const REST_DOCS = `Reads records from JSON HTTP APIs page by page, and sends records to them (bulk JSON arrays or one request per record, webhook style). Uses Node's built-in fetch.

## Connection (\`connections:\` entry with \`type: rest\`)
- \`base_url\`: a stage's \`path\` (or relative \`url\`) is appended with exactly one \`/\` between them.
- \`headers\`: extra headers for every request.
- \`auth\`: one of
  - \`{ type: bearer, token }\` → \`Authorization: Bearer …\`;
  - \`{ type: basic, user, password }\`;
  - \`{ type: api_key, name, value, in: header|query }\` (default header);
  - \`{ type: oauth2, token_url, client_id, client_secret, scope }\`: client-credentials grant (client id and secret sent in the form body); the token is cached until \`expires_in\` (less a 10% margin, at most 30 s), and when the API answers 401 a fresh token is fetched once and the request retried.
- \`timeout_secs\` (30): per request, for connecting, headers and the whole body.
- \`requests_per_second\`: rate limit, a token bucket holding one token: requests are spaced at least 1/rps seconds apart (no bursts), across retries and concurrent requests.
- \`concurrency\` (1): requests in flight at once (used by the sink; the source pages sequentially).

A stage may give all of these itself (its values override the connection's), or give a full \`url\` with no connection at all.
Secrets (\`token\`, \`password\`, \`value\`, \`client_secret\`, the oauth2 access token, credential-like headers) never appear in errors, events or reports; in URLs shown in messages, the values of the api-key query parameter and of secret-looking parameters (\`token\`, \`key\`, \`sig\`, \`access_token\`…) are replaced by \`***\`.
Credentials and \`headers\` are only sent to the origin (scheme, host, port) of the stage's URL: a next-page URL on another host is fetched without them.

## Source
- \`path\` / \`url\`, \`method\` (GET | POST), \`body\` (JSON, sent with POST), \`params\` (query parameters).
- \`records\`: where the array of records is in each answer. Syntax: \`$\` or empty = the body itself; dotted keys \`data.items\` (also written \`$.data.items\`); a number picks an array element (\`results.0.items\` or \`results[0].items\`); \`['odd.key']\` for keys with dots. No wildcards or filters. If the path holds an object it is one record; \`null\` is an empty page; a missing path stops the run (E_REST_RECORDS) with the page number and URL.
- \`pagination\` (default \`none\`, one request). Parameters go in the query string. Every style also takes \`max_pages\`.
  - \`{ type: page, param: page, start: 1, size_param, size }\`: stops on an empty page, or a page with fewer than \`size\` records.
  - \`{ type: offset, offset_param: offset, limit_param: limit, limit: 100 }\`: the offset grows by the records received; stops on a page shorter than \`limit\`.
  - \`{ type: cursor, cursor_path, cursor_param: cursor }\`: the cursor at \`cursor_path\` of each answer is sent back; stops when it is missing, null, empty or false.
  - \`{ type: next_url, next_path }\`: follows the URL at \`next_path\` (absolute or relative to the current page); stops when missing, null or empty.
  - \`{ type: link_header }\`: follows the RFC 8288 \`Link: <…>; rel="next"\` header (several links, quoted parameters and relative URLs are understood); stops when there is no \`next\` link.
  - A cursor or next URL the API already sent once stops paging with a warning (no endless loops).
- \`incremental_param\`: query parameter that receives the watermark (\`incremental.after\`), e.g. \`updated_since\`; \`incremental_until_param\` receives \`--to\`. Rows whose \`incremental.column\` is not inside the window are skipped, so an API whose filter is inclusive does not repeat the last row. The engine tracks the new watermark.
- \`columns\`: type overrides, as for ndjson.

Rows: top-level keys are columns, nested objects and arrays are \`json\` values. Types come from the first batch: whole numbers → integer, other numbers → number, booleans, strings (date / timestamp when every value looks like one, kept as ISO text), mixed → json; keys first seen later are appended; a later value that does not fit its column is rejected with its page and record number. Numbers with more than 15 significant digits at the top level of a record are kept exact (big integers as bigint, others as decimal text) — plain JSON.parse would round them; nested ones are read as float64. A record that is not an object is rejected.
Each page's records go out as one batch (split by \`batch_size\`). Answers are read whole, up to 100 MB per page (E_HTTP_BODY_TOO_LARGE beyond it: ask for smaller pages). An answer that is not JSON stops the run (E_REST_BAD_JSON) with the page and URL.

## Errors and retries
Retried through the pipeline's \`retry:\` policy: network errors, timeouts, 429, 502, 503 and 504; a \`Retry-After\` header (seconds or HTTP date) is used as the wait. Not retried: 401/403/404/405/410 (configuration: check auth, URL, method) and other 4xx (the request was refused), 500 and other 5xx. Messages give the status, the method, the URL (secrets hidden) and the first 200 characters of the body.

## Sink (mode append)
- \`path\` / \`url\`, \`method\` (POST | PUT | PATCH).
- \`body_format\` (array): a JSON array of up to \`batch_size\` (100) records per request; \`object\`: one record per request (webhooks), \`concurrency\` at a time (with concurrency > 1 the delivery order is not guaranteed).
- \`errors_path\`: where a 2xx/207 answer lists per-record failures, which become rejects with the API's reason. Shapes: \`[{ "index": 2, "error": "bad email" }]\` (0-based positions in the request; \`message\`/\`reason\` also read), or an array as long as the request with \`null\` for success and a string or \`{ "error": … }\` for a failure; with \`body_format: object\` any non-empty value is the record's error. Missing, null or \`[]\` = all went through.
- A 4xx for a whole request (400, 409, 413, 422…) rejects every record of it with the status and message — nothing is dropped silently. 401/403/404/405 stop the run instead (configuration), as do 5xx after retries.
- Values are written exactly: big integers as JSON numbers, decimals as strings, binary as base64.

**No rollback:** a REST sink is not transactional. If a run fails, the batches sent before the failure stay delivered, and a rerun sends them again. Pair it with an idempotent API (PUT by key, idempotency keys, upserting endpoints).
`;
