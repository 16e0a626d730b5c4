import { addAttribute, addChild, newNode, NO_ATTRIBUTES, type XmlNode } from './flatten.js';
import {
  AMP, BANG, CLOSE_BRACKET, continuesName, CR, DQUOTE, ENTITIES, entityAt, EQ, GT, isSpace, LF, LT, nameEnd, NOT_TAKEN, SLASH, SPACE, SQUOTE, TAB,
} from './scan-chars.js';

export { NOT_TAKEN, startTagEnd } from './scan-chars.js';

/**
 * Parses record bodies (from just after a record's start tag to the `<` of its end tag) straight
 * into the record's tree, for the plain XML that data files hold: ASCII names, quoted
 * attributes, text, the five predefined entities, CDATA. Anything else (comments, PIs,
 * character references, non-ASCII names, a character XML forbids, a mismatched tag, the end of
 * the chunk) makes it give up, and saxes parses that body as usual: the scanner never accepts
 * what saxes would reject, and builds the tree the SAX events would build.
 *
 * It counts line ends from `begin()` so the caller can move saxes' line and column on.
 */
export class BodyScanner {
  /** line ends since begin(). */
  newlines = 0;
  /** an element of the last body has two children of the same name. */
  repeats = false;
  /** the start tag read by the last nextRecord(). */
  /** the last tag's attributes and null flag (AttributeHolder). */
  attrs: Record<string, string> = NO_ATTRIBUTES;
  nil = false;
  /** line ends before the `<` of that start tag. */
  tagNewlines = 0;
  private lineStart = 0;
  /** surrogate pairs since lineStart: saxes counts a column per character, not per code unit. */
  private pairs = 0;
  private savedNewlines = 0;
  private savedLineStart = 0;
  private savedPairs = 0;
  private readonly stack: XmlNode[] = [];
  private depth = 0;
  private readonly seen: string[] = [];
  /** element names of the previous body by position: the same name is reused, not sliced again. */
  private readonly names: string[] = [];
  private element = 0;
  /** what tag() read: the element's name, its attributes, whether it closed itself. */
  private tagName = '';
  private selfClosing = false;
  private valueEnd = 0;

  begin(from: number): void {
    this.newlines = 0;
    this.lineStart = from;
    this.pairs = 0;
  }

  /** saxes' column at `at`, given its column at the begin() position. */
  columnAt(at: number, from: number, column: number): number {
    return this.newlines === 0 ? column + at - from - this.pairs : at - this.lineStart - this.pairs;
  }

  mark(): void {
    this.savedNewlines = this.newlines;
    this.savedLineStart = this.lineStart;
    this.savedPairs = this.pairs;
  }

  /** Back to the line count of the last mark() (after a body or a tag that was not taken). */
  reset(): void {
    this.newlines = this.savedNewlines;
    this.lineStart = this.savedLineStart;
    this.pairs = this.savedPairs;
  }

  /** The body of `record` from `from`: the index of its end tag's `<`, or NOT_TAKEN. */
  body(s: string, from: number, record: XmlNode): number {
    this.repeats = false;
    this.element = 0;
    this.stack[0] = record;
    this.depth = 1;
    let top = record;
    let i = from;
    let run = from;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= SPACE && c < 0xd800 && c !== LT && c !== AMP) {
        // "]]>" may not appear in text
        if (c === GT && i - 2 >= run && s.charCodeAt(i - 1) === CLOSE_BRACKET && s.charCodeAt(i - 2) === CLOSE_BRACKET) return NOT_TAKEN;
        i++;
        continue;
      }
      if (c === LT) {
        if (i > run) top.text += s.slice(run, i);
        if (this.depth === 1 && s.charCodeAt(i + 1) === SLASH) return i; // the record's end tag
        i = this.markup(s, i, top);
        if (i === NOT_TAKEN) return NOT_TAKEN;
        top = this.stack[this.depth - 1] as XmlNode;
        run = i;
      } else if (c === AMP) {
        const entity = entityAt(s, i + 1);
        if (entity < 0) return NOT_TAKEN;
        const [name, value] = ENTITIES[entity] as readonly [string, string];
        top.text += s.slice(run, i) + value;
        i += 1 + name.length;
        run = i;
      } else if (c === LF) {
        i = this.newline(i + 1);
      } else if (c === CR) {
        top.text += `${s.slice(run, i)}\n`;
        i = this.carriageReturn(s, i);
        if (i === NOT_TAKEN) return NOT_TAKEN;
        run = i;
      } else {
        i = this.otherChar(s, i, c);
        if (i === NOT_TAKEN) return NOT_TAKEN;
      }
    }
    return NOT_TAKEN;
  }

  /** A tag at `<` (index i) inside the body: an end tag, CDATA or a start tag; returns the index after it. */
  private markup(s: string, i: number, top: XmlNode): number {
    const c1 = s.charCodeAt(i + 1);
    if (c1 === SLASH) {
      const next = this.endTag(s, i + 2, top.name);
      if (next !== NOT_TAKEN) this.depth--;
      return next;
    }
    if (c1 === BANG) return this.cdata(s, i + 2, top);
    const e = this.element++;
    const next = this.tag(s, i + 1, this.names[e]);
    if (next === NOT_TAKEN) return NOT_TAKEN;
    this.names[e] = this.tagName;
    const node = newNode(this.tagName, this.attrs, this.nil);
    if (addChild(top, node)) this.repeats = true;
    if (!this.selfClosing) this.stack[this.depth++] = node;
    return next;
  }

  /**
   * After a body that ended at `end`: `</name>`, white space, and the start tag of the next
   * record (`<name ...>`, not self-closing). Returns the index after that start tag (its
   * attributes in attrs/nil), or NOT_TAKEN with the line count unchanged.
   */
  nextRecord(s: string, end: number, name: string): number {
    this.mark();
    let i = this.endTag(s, end + 2, name);
    if (i !== NOT_TAKEN) i = this.spaces(s, i);
    if (i !== NOT_TAKEN && s.charCodeAt(i) === LT) {
      // the line saxes gives a start tag is the one of the character after its name
      const after = s.charCodeAt(i + 1 + name.length);
      this.tagNewlines = this.newlines + (after === LF || after === CR ? 1 : 0);
      const next = this.tag(s, i + 1, name);
      if (next !== NOT_TAKEN && this.tagName === name && !this.selfClosing) return next;
    }
    this.reset();
    return NOT_TAKEN;
  }

  /** `name attr="v" ...>` or `/>` from just after the `<`; returns the index after it. */
  private tag(s: string, from: number, expected: string | undefined): number {
    let i: number;
    if (expected !== undefined && s.startsWith(expected, from) && !continuesName(s.charCodeAt(from + expected.length))) {
      i = from + expected.length;
      this.tagName = expected;
    } else {
      i = nameEnd(s, from);
      if (i === NOT_TAKEN) return NOT_TAKEN;
      this.tagName = s.slice(from, i);
    }
    this.attrs = NO_ATTRIBUTES;
    this.nil = false;
    let seen = 0;
    for (;;) {
      let c = s.charCodeAt(i);
      if (c === GT || c === SLASH) break;
      if (!isSpace(c)) return NOT_TAKEN;
      i = this.spaces(s, i);
      c = s.charCodeAt(i);
      if (i === NOT_TAKEN || c === GT || c === SLASH) break;
      const nameStart = i;
      i = nameEnd(s, i);
      if (i === NOT_TAKEN) return NOT_TAKEN;
      const key = s.slice(nameStart, i);
      for (let k = 0; k < seen; k++) if (this.seen[k] === key) return NOT_TAKEN; // saxes: duplicate attribute
      this.seen[seen++] = key;
      i = this.spaces(s, i);
      if (i === NOT_TAKEN || s.charCodeAt(i) !== EQ) return NOT_TAKEN;
      i = this.spaces(s, i + 1);
      const value = i === NOT_TAKEN ? undefined : this.attributeValue(s, i);
      if (value === undefined) return NOT_TAKEN;
      i = this.valueEnd;
      addAttribute(this, key, value);
    }
    if (i === NOT_TAKEN) return NOT_TAKEN;
    this.selfClosing = s.charCodeAt(i) === SLASH;
    if (this.selfClosing && s.charCodeAt(i + 1) !== GT) return NOT_TAKEN;
    return this.selfClosing ? i + 2 : i + 1;
  }

  /** A quoted value with entities decoded and tab/newline as a space (as saxes does); sets valueEnd. */
  private attributeValue(s: string, from: number): string | undefined {
    const q = s.charCodeAt(from);
    if (q !== DQUOTE && q !== SQUOTE) return undefined;
    let value = '';
    let run = from + 1;
    let i = run;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === q) {
        this.valueEnd = i + 1;
        return value + s.slice(run, i);
      }
      if (c === LT) return undefined;
      if (c === AMP) {
        const entity = entityAt(s, i + 1);
        if (entity < 0) return undefined;
        const [name, decoded] = ENTITIES[entity] as readonly [string, string];
        value += s.slice(run, i) + decoded;
        i += 1 + name.length;
        run = i;
      } else if (c >= SPACE && c < 0xd800) {
        i++;
      } else if (c === TAB || c === LF || c === CR) {
        value += `${s.slice(run, i)} `;
        i = c === TAB ? i + 1 : c === LF ? this.newline(i + 1) : this.carriageReturn(s, i);
        if (i === NOT_TAKEN) return undefined;
        run = i;
      } else {
        i = this.otherChar(s, i, c);
        if (i === NOT_TAKEN) return undefined;
      }
    }
    return undefined;
  }

  /** `name` `S*` `>` from just after `</`, when name is the open element's. */
  private endTag(s: string, from: number, name: string): number {
    if (!s.startsWith(name, from)) return NOT_TAKEN;
    let i = from + name.length;
    const c = s.charCodeAt(i);
    if (c === GT) return i + 1;
    if (continuesName(c)) return NOT_TAKEN;
    i = this.spaces(s, i);
    return i !== NOT_TAKEN && s.charCodeAt(i) === GT ? i + 1 : NOT_TAKEN;
  }

  /** `[CDATA[...]]>` from just after `<!` (comments and the rest are saxes' to parse). */
  private cdata(s: string, from: number, top: XmlNode): number {
    if (!s.startsWith('[CDATA[', from)) return NOT_TAKEN;
    const start = from + 7;
    const end = s.indexOf(']]>', start);
    if (end < 0) return NOT_TAKEN;
    for (let i = start; i < end; ) {
      const c = s.charCodeAt(i);
      if (c >= SPACE && c < 0xd800) i++;
      else if (c === LF) i = this.newline(i + 1);
      else if (c === CR) return NOT_TAKEN;
      else {
        i = this.otherChar(s, i, c);
        if (i === NOT_TAKEN) return NOT_TAKEN;
      }
    }
    top.text += s.slice(start, end);
    return end + 3;
  }

  /** Skips white space (counting lines); returns the index of the next character. */
  private spaces(s: string, from: number): number {
    let i = from;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === SPACE || c === TAB) i++;
      else if (c === LF) i = this.newline(i + 1);
      else if (c === CR) {
        i = this.carriageReturn(s, i);
        if (i === NOT_TAKEN) return NOT_TAKEN;
      } else return i;
    }
  }

  /** CR LF or a lone CR: one line end (saxes reads both as LF). */
  private carriageReturn(s: string, i: number): number {
    if (i + 1 >= s.length) return NOT_TAKEN; // a LF may follow in the next chunk
    return this.newline(s.charCodeAt(i + 1) === LF ? i + 2 : i + 1);
  }

  private newline(next: number): number {
    this.newlines++;
    this.lineStart = next;
    this.pairs = 0;
    return next;
  }

  /** A character outside the common ranges: allowed ones (XML 1.0 Char) move on, the rest stop. */
  private otherChar(s: string, i: number, c: number): number {
    if (c === TAB || (c >= 0xe000 && c <= 0xfffd)) return i + 1;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        this.pairs++;
        return i + 2;
      }
    }
    return NOT_TAKEN;
  }
}

