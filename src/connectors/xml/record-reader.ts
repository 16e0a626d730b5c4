import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { RunError } from '../../core/errors.js';
import { addChild, newNode, type XmlNode } from './flatten.js';

export interface XmlRecord {
  readonly node: XmlNode;
  /** 1-based line of the record's start tag. */
  readonly line: number;
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
 */
export class XmlRecordReader {
  private readonly parser: SaxesParser<{}>;
  private readonly matches: (stack: readonly string[]) => boolean;
  private readonly path: string[] = [];
  private readonly open: XmlNode[] = [];
  private readonly done: XmlRecord[] = [];
  private startLine = 0;
  private recordLine = 0;

  constructor(recordElement: string, private readonly fileName: string) {
    this.matches = compileRecordPath(recordElement);
    this.parser = new SaxesParser({ fileName, position: true });
    this.parser.on('opentagstart', () => {
      this.startLine = this.parser.line;
    });
    this.parser.on('opentag', (tag) => this.onOpen(tag as SaxesTagPlain));
    this.parser.on('closetag', () => this.onClose());
    this.parser.on('text', (text) => this.onText(text));
    this.parser.on('cdata', (text) => this.onText(text));
  }

  /** Feeds decoded text; returns the records completed by it. Throws RunError when not well-formed. */
  write(text: string): XmlRecord[] {
    this.guard(() => this.parser.write(text));
    return this.done.splice(0);
  }

  close(): XmlRecord[] {
    this.guard(() => this.parser.close());
    return this.done.splice(0);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      throw toXmlError(err, this.fileName);
    }
  }

  private onOpen(tag: SaxesTagPlain): void {
    this.path.push(tag.name);
    if (this.open.length > 0) {
      const node = newNode(tag.name, tag.attributes);
      addChild(this.open[this.open.length - 1] as XmlNode, node);
      this.open.push(node);
    } else if (this.matches(this.path)) {
      this.recordLine = this.startLine;
      this.open.push(newNode(tag.name, tag.attributes));
    }
  }

  private onClose(): void {
    this.path.pop();
    if (this.open.length === 0) return;
    const node = this.open.pop() as XmlNode;
    if (this.open.length === 0) this.done.push({ node, line: this.recordLine });
  }

  private onText(text: string): void {
    const top = this.open[this.open.length - 1];
    if (top) top.text += text;
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
