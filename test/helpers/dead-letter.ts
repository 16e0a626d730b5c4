/** Fixtures for the dead-letter table tests (PostgreSQL, MySQL/MariaDB). */
export interface DeadLetterPipeline {
  readonly name: string;
  /** the connection's name and its YAML flow mapping, e.g. `{ type: postgres, url: "${env:URL}" }`. */
  readonly connection: readonly [string, string];
  /** the sink's YAML flow mapping (it names the connection itself). */
  readonly load: string;
  /** the dead-letter table, possibly schema-qualified. */
  readonly table: string;
  /** the environment variable holding a secret: a row whose name equals it is rejected. */
  readonly tokenEnv: string;
  readonly maxRejects?: number;
}

/** csv in.csv → validate (email not null, name is not the secret) → sink; rejects into `table`. */
export function deadLetterPipeline(p: DeadLetterPipeline): string {
  const [conn, connYaml] = p.connection;
  return `version: 1
name: ${p.name}
retry: { attempts: 1 }
connections:
  ${conn}: ${connYaml}
extract: { type: csv, path: in.csv }
transform:
  - type: validate
    rules:
      - { not_null: [email] }
      - { expr: "name != '\${env:${p.tokenEnv}}'" }
    on_fail: reject
load: ${p.load}
errors:
  dead_letter: { connection: ${conn}, table: ${p.table} }
${p.maxRejects === undefined ? '' : `  max_rejects: ${p.maxRejects}\n`}`;
}
