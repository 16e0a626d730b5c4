import type { LineCounter } from 'yaml';
import type { Location } from '../issues.js';

/** One parsed source file: the text and its line index, shared by every node that came from it. */
export interface SourceText {
  readonly file: string;
  readonly text: string;
  readonly lines: LineCounter;
}

/** Where one node of the pipeline document came from. */
export interface NodeInfo {
  readonly source: SourceText;
  /** offset of the value node (for scalars: the first character, quote included). */
  readonly start: number;
  readonly end: number;
  /** offset of the key of this node in its parent map, when it has one. */
  readonly keyStart?: number;
  readonly kind: 'map' | 'seq' | 'scalar' | 'null';
  /** YAML scalar style ('PLAIN', 'QUOTE_DOUBLE', 'BLOCK_LITERAL'…). */
  readonly style?: string;
}

export function pointerJoin(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function pointerParts(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function pointerParent(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

function toLocation(source: SourceText, offset: number): Location {
  const pos = source.lines.linePos(offset);
  return { file: source.file, line: pos.line, col: pos.col };
}

/**
 * JSON pointer → source position, for every node of the document (aliases and overlays included).
 * Lookups fall back to the nearest existing ancestor so every issue gets a position.
 */
export class SourceMap {
  private readonly nodes = new Map<string, NodeInfo>();

  set(pointer: string, info: NodeInfo): void {
    this.nodes.set(pointer, info);
  }

  get(pointer: string): NodeInfo | undefined {
    return this.nodes.get(pointer);
  }

  /** removes a node and everything under it (an overlay replaced it). */
  deleteUnder(pointer: string): void {
    for (const key of [...this.nodes.keys()]) {
      if (key === pointer || key.startsWith(`${pointer}/`)) this.nodes.delete(key);
    }
  }

  /** copies `other`'s nodes under `fromPrefix` to `toPrefix` in this map. */
  graft(other: SourceMap, fromPrefix: string, toPrefix: string): void {
    for (const [key, info] of other.nodes) {
      if (key === fromPrefix || key.startsWith(`${fromPrefix}/`)) {
        this.nodes.set(toPrefix + key.slice(fromPrefix.length), info);
      }
    }
  }

  private nearest(pointer: string): NodeInfo | undefined {
    let p = pointer;
    for (;;) {
      const info = this.nodes.get(p);
      if (info) return info;
      if (p === '') return undefined;
      p = pointerParent(p);
    }
  }

  /** the key of a map/seq node (`load:`), the value of a scalar; nearest ancestor otherwise. */
  locate(pointer: string): Location | undefined {
    const info = this.nearest(pointer);
    if (!info) return undefined;
    if (info.kind === 'scalar') return this.contentStart(info);
    return toLocation(info.source, info.keyStart ?? info.start);
  }

  /** the key of the node if it has one (unknown keys, missing required keys). */
  locateKey(pointer: string): Location | undefined {
    const info = this.nodes.get(pointer);
    if (info?.keyStart !== undefined) return toLocation(info.source, info.keyStart);
    return this.locate(pointer);
  }

  /** the value of the node (wrong types, bad enum values). */
  locateValue(pointer: string): Location | undefined {
    const info = this.nodes.get(pointer);
    if (!info) return this.locate(pointer);
    if (info.kind === 'scalar') return this.contentStart(info);
    if (info.kind === 'null' && info.keyStart !== undefined) return toLocation(info.source, info.keyStart);
    return toLocation(info.source, info.start);
  }

  /**
   * Position of character `offset` of a string scalar's value (for expression errors): walks the
   * source alongside the value so quotes, escapes, block indentation and folding are skipped.
   */
  locateOffset(pointer: string, offset: number, value?: string): Location | undefined {
    const info = this.nodes.get(pointer);
    if (!info || info.kind !== 'scalar') return this.locate(pointer);
    const text = info.source.text;
    let p = this.contentOffset(info);
    if (value === undefined) return toLocation(info.source, Math.min(p + offset, info.end));
    for (let i = 0; i < offset && i < value.length; i++) {
      const found = text.indexOf(value[i] as string, p);
      if (found < 0 || found >= info.end) return toLocation(info.source, Math.min(p, info.end));
      p = found + 1;
    }
    // skip to the next character of the value (past indentation or a closing line break)
    const next = offset < value.length ? text.indexOf(value[offset] as string, p) : -1;
    if (next >= 0 && next < info.end) p = next;
    return toLocation(info.source, p);
  }

  private contentStart(info: NodeInfo): Location {
    return toLocation(info.source, this.contentOffset(info));
  }

  private contentOffset(info: NodeInfo): number {
    const text = info.source.text;
    if (info.style === 'QUOTE_DOUBLE' || info.style === 'QUOTE_SINGLE') return info.start + 1;
    if (info.style === 'BLOCK_LITERAL' || info.style === 'BLOCK_FOLDED') {
      const nl = text.indexOf('\n', info.start);
      if (nl < 0 || nl >= info.end) return info.start;
      let p = nl + 1;
      while (p < info.end && (text[p] === ' ' || text[p] === '\n' || text[p] === '\r')) p++;
      return p;
    }
    return info.start;
  }
}
