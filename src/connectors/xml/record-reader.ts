import { SaxesParser } from 'saxes';
import { RunError } from '../../core/errors.js';
import { BodyScanner, NOT_TAKEN, startTagEnd } from './fast-body.js';
import { addAttribute, addChild, clearContent, newNode, NO_ATTRIBUTES, type XmlNode } from './flatten.js';

export interface XmlRecord {
  readonly node: XmlNode;
  /** 1-based line of the record's start tag. */
  readonly line: number;
  /** some element inside the record has two children of the same name. */
  readonly repeats: boolean;
}

/**
 * `order` matches an element named order at any depth; `orders/order` matches an order whose
 * parent is orders (at any depth); `/orders/order` is anchored at the document root.
 */
export function compileRecordPath(recordElement: string): (stack: readonly string[]) => boolean {
  const anchored = recordElement.startsWith('/');
  const segments = recordElement.split('/').filter((s) => s !== '');
  return (stack) => {
    if (anchored ? stack.length !== segments.length : stack.length < segments.length) return false;
    const offset = stack.length - segments.length;
    for (let i = 0; i < segments.length; i++) if (stack[offset + i] !== segments[i]) return false;
    return true;
  };
}

/**
 * Streams XML text through saxes and hands back each completed record element. External
 * entities and DTDs are never fetched or expanded: saxes does not read DTDs at all, and an
 * entity other than the five predefined ones (or a character reference) is a fatal error.
 *
 * Saxes reads every character through a method call, and most of a data file is record bodies
 * of plain elements. So saxes' input is cut just after a record's start tag; from there
 * BodyScanner reads record after record straight into trees (the end tag and the next start
 * tag too, while only white space comes between them), and saxes goes on at the end tag of the
 * last one, or at the start of a body the scanner did not take, its line and column moved
 * there: to saxes it looks as if one record element stayed open. Whatever the scanner does not
 * take (other markup, an error) saxes parses as before, so messages and positions are saxes'.
 * `scan: false` reads with saxes alone (the reference the scanner is tested against).
 */
export class XmlRecordReader {
  private readonly parser: SaxesParser<{}>;
  private readonly matches: (stack: readonly string[]) => boolean;
  /** open elements outside records (inside a record, `open` is the stack). */
  private readonly path: string[] = [];
  private readonly open: XmlNode[] = [];
  private readonly done: XmlRecord[] = [];
  private startLine = 0;
  private recordLine = 0;
  private recordRepeats = false;
  /** the attributes of the tag being opened, gathered from attribute events (no for-in per tag). */
  attrs: Record<string, string> = NO_ATTRIBUTES;
  nil = false;
  private readonly scanner = new BodyScanner();
  /** `<` and the record element's name: where the text is cut for saxes. */
  private readonly needle: string;
  /** characters given to saxes so far (its `position` counts the same). */
  private fed = 0;
  /** saxes' position just after the start tag of the record being read. */
  private openedAt = -1;
  /** bodies in a row the scanner did not take, and records left to saxes before it tries again. */
  private misses = 0;
  private skip = 0;
  private readonly scan: boolean;
  /** records whose body the scanner read (the others saxes parsed). */
  scanned = 0;

  constructor(
    recordElement: string,
    private readonly fileName: string,
    options: { readonly scan?: boolean } = {},
  ) {
    this.matches = compileRecordPath(recordElement);
    this.scan = options.scan ?? true;
    this.needle = `<${recordElement.split('/').filter((s) => s !== '').pop() ?? ''}`;
    const parser = new SaxesParser({ fileName, position: true });
    this.parser = parser;
    parser.on('opentagstart', () => {
      this.startLine = parser.line;
    });
    parser.on('attribute', (attr) => this.onAttribute(attr.name, attr.value));
    parser.on('opentag', (tag) => this.onOpen(tag.name));
    parser.on('closetag', () => this.onClose());
    parser.on('text', (text) => this.onText(text));
    parser.on('cdata', (text) => this.onText(text));
  }

  /** Feeds decoded text; returns the records completed by it. Throws RunError when not well-formed. */
  write(text: string): XmlRecord[] {
    try {
      this.feed(text);
    } catch (err) {
      throw toXmlError(err, this.fileName);
    }
    return this.done.splice(0);
  }

  close(): XmlRecord[] {
    try {
      this.parser.close();
    } catch (err) {
      throw toXmlError(err, this.fileName);
    }
    return this.done.splice(0);
  }

  private feed(s: string): void {
    let pos = 0;
    while (pos < s.length) {
      if (this.openedAt === this.fed && this.open.length === 1) pos = this.fastRecords(s, pos);
      const next = this.cut(s, pos);
      const stop = next < 0 ? s.length : next;
      this.parser.write(pos === 0 && stop === s.length ? s : s.slice(pos, stop));
      this.fed += stop - pos;
      pos = stop;
    }
  }

  /** Where to stop saxes: after the start tag of the next record the scanner is to try, or -1. */
  private cut(s: string, pos: number): number {
    if (!this.scan) return -1;
    let next = startTagEnd(s, pos, this.needle);
    for (let k = this.skip; k > 0 && next >= 0; k--) next = startTagEnd(s, next, this.needle);
    return next;
  }

  /**
   * Reads record after record from `pos` (just after the start tag of the record saxes opened)
   * while the scanner takes them; returns where saxes goes on: the start of a body the scanner
   * did not take, or the end tag of the last record read. Saxes' state is the same at both
   * (that record element open, nothing pending); its line and column are moved there.
   */
  private fastRecords(s: string, pos: number): number {
    this.openedAt = -1;
    const version = this.parser.xmlDecl.version;
    if (version !== undefined && version !== '1.0') return pos; // XML 1.1 has other character rules
    const scanner = this.scanner;
    const line = this.parser.line;
    scanner.begin(pos);
    let record = this.open[0] as XmlNode;
    let at = pos;
    for (;;) {
      scanner.mark();
      const end = scanner.body(s, at, record);
      if (end === NOT_TAKEN) {
        clearContent(record);
        scanner.reset();
        // records the scanner cannot take (a comment in each...) would be read twice: back off,
        // unless the record just goes on in the next chunk
        if (s.includes(`</${record.name}`, at)) this.skip = Math.min(2 ** ++this.misses, 1024) - 1;
        break;
      }
      this.misses = 0;
      this.scanned++;
      if (scanner.repeats) this.recordRepeats = true;
      const next = scanner.nextRecord(s, end, record.name);
      if (next === NOT_TAKEN) {
        at = end;
        break;
      }
      // saxes never sees this end tag nor the next start tag: as far as it knows, one record stays open
      this.done.push({ node: record, line: this.recordLine, repeats: this.recordRepeats });
      record = newNode(record.name, scanner.attrs, scanner.nil);
      this.open[0] = record;
      this.recordLine = line + scanner.tagNewlines;
      this.recordRepeats = false;
      at = next;
    }
    this.parser.column = scanner.columnAt(at, pos, this.parser.column);
    this.parser.line = line + scanner.newlines;
    return at;
  }

  private onAttribute(name: string, value: string): void {
    addAttribute(this, name, value);
  }

  private onOpen(name: string): void {
    const attrs = this.attrs;
    const nil = this.nil;
    this.attrs = NO_ATTRIBUTES;
    this.nil = false;
    const open = this.open;
    if (open.length > 0) {
      const node = newNode(name, attrs, nil);
      if (addChild(open[open.length - 1] as XmlNode, node)) this.recordRepeats = true;
      open.push(node);
      return;
    }
    this.path.push(name);
    if (this.matches(this.path)) {
      this.recordLine = this.startLine;
      this.recordRepeats = false;
      if (this.skip > 0) this.skip--;
      else if (this.scan) this.openedAt = this.parser.position;
      open.push(newNode(name, attrs, nil));
    }
  }

  private onClose(): void {
    const open = this.open;
    if (open.length === 0) {
      this.path.pop();
      return;
    }
    const node = open.pop() as XmlNode;
    if (open.length === 0) {
      this.path.pop();
      this.done.push({ node, line: this.recordLine, repeats: this.recordRepeats });
    }
  }

  private onText(text: string): void {
    const open = this.open;
    if (open.length > 0) (open[open.length - 1] as XmlNode).text += text;
  }
}

function toXmlError(err: unknown, fileName: string): RunError {
  const message = err instanceof Error ? err.message : String(err);
  if (/undefined entity/.test(message)) {
    return new RunError('E_XML_ENTITY', `${message.replace(/\.$/, '')}: entity references other than &amp; &lt; &gt; &quot; &apos; and &#…; are not expanded`, {
      hint: 'etl-cli never reads DTDs or external entities (XXE) nor expands custom entities; replace them in the file with their text',
      where: { position: fileName },
      cause: err,
    });
  }
  return new RunError('E_XML_PARSE', `${message.replace(/\.$/, '')} (XML that is not well-formed stops the whole document)`, {
    hint: 'fix the XML at that line and column (mismatched or unclosed tags, a bare & or <)',
    where: { position: fileName },
    cause: err,
  });
}
