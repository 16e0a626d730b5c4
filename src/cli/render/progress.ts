import type { EtlEvent, EventSink, StageKind } from '../../core/events.js';
import type { CliContext } from '../context.js';

export interface EventRenderer {
  readonly events: EventSink;
  /** stops the spinner; call before printing the summary or an error. */
  stop(): void;
}

interface Spinner {
  text: string;
  start(): Spinner;
  stop(): Spinner;
  clear(): Spinner;
  render(): Spinner;
}

class Counters {
  read = 0;
  written = 0;
  rejected = 0;
  readonly started = Date.now();
  private readonly kinds = new Map<string, StageKind>();

  apply(event: EtlEvent): void {
    if (event.type === 'stage.started') this.kinds.set(event.stage, event.kind);
    else if (event.type === 'batch.read' && (this.kinds.get(event.stage) ?? 'extract') === 'extract') this.read += event.rows;
    else if (event.type === 'batch.written') this.written += event.rows;
    else if (event.type === 'rows.rejected') this.rejected += event.count;
  }

  line(): string {
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? Math.round(this.read / secs) : 0;
    return `read ${fmt(this.read)} · written ${fmt(this.written)} · rejected ${fmt(this.rejected)} · ${fmt(rate)} rows/s`;
  }
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** The text line for events worth a line of their own (warnings, retries; infos with --verbose). */
export function eventLine(cli: CliContext, event: EtlEvent): string | undefined {
  const stage = 'stage' in event && event.stage ? `${event.stage}: ` : '';
  switch (event.type) {
    case 'warning':
      return `${cli.paint(33, 'warning:')} ${stage}${event.message}`;
    case 'retry.scheduled':
      return `retry: ${stage}attempt ${event.attempt} in ${(event.wait_ms / 1000).toFixed(1)}s (${event.reason})`;
    case 'info':
      return cli.verbose ? `info: ${stage}${event.message}` : undefined;
    case 'checkpoint.saved':
      return cli.verbose ? `checkpoint: watermark ${event.watermark}` : undefined;
    case 'stage.finished':
      return cli.verbose ? `done: ${event.stage} in ${event.rows_in} out ${event.rows_out} rejected ${event.rejected} (${event.ms} ms)` : undefined;
    default:
      return undefined;
  }
}

async function startSpinner(cli: CliContext): Promise<Spinner> {
  const { default: ora } = await import('ora');
  return ora({ text: 'starting', stream: cli.stderr, discardStdin: false }).start() as Spinner;
}

/**
 * Picks the renderer: NDJSON on stderr (--log-format json), nothing (--quiet), a spinner with
 * live counters (TTY, progress on), or plain lines for warnings and retries.
 */
export async function createEventRenderer(cli: CliContext, options: { progress: boolean }): Promise<EventRenderer> {
  if (cli.logFormat === 'json') {
    return { events: (event) => cli.errJson(event), stop: () => {} };
  }
  if (cli.quiet) return { events: () => {}, stop: () => {} };
  const counters = new Counters();
  // a terminal without a width (some CI ptys) makes a spinner redraw forever: plain lines there
  const tty = Boolean(cli.stderr.isTTY) && (cli.stderr.columns ?? 0) > 0;
  const spinner = options.progress && tty ? await startSpinner(cli) : undefined;
  const timer = spinner ? setInterval(() => (spinner.text = cli.redact(counters.line())), 100) : undefined;
  timer?.unref();
  const events: EventSink = (event) => {
    counters.apply(event);
    const line = eventLine(cli, event);
    if (line === undefined) return;
    spinner?.clear();
    cli.err(line);
    spinner?.render();
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearInterval(timer);
    spinner?.stop();
  };
  return { events, stop };
}
