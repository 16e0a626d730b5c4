import { TextDecoder } from 'node:util';
import { RunError } from '../../core/errors.js';

/** Thrown when the bytes are not valid in the declared encoding. `textBefore` is the text decoded
 * from the failing chunk up to the bad bytes, so a caller that counts lines can say where. */
export class InvalidTextError extends RunError {
  readonly textBefore: string;
  constructor(encoding: string, textBefore: string, cause: unknown) {
    super('E_INPUT_ENCODING', `invalid ${encoding} byte sequence`, {
      hint: 'set encoding: to the file\'s real encoding (latin1, utf16le, …), or fix the file',
      cause,
    });
    this.textBefore = textBefore;
  }
}

/** Builds a decoder for an `encoding:` option; an unknown name is a clear error. BOMs are dropped. */
const ALIASES: Record<string, string> = { utf16le: 'utf-16le', ucs2: 'utf-16le', 'ucs-2': 'utf-16le', utf16be: 'utf-16be', binary: 'latin1' };

export function createDecoder(encoding: string): TextDecoder {
  try {
    const probe = new TextDecoder(ALIASES[encoding.toLowerCase()] ?? encoding);
    const fatal = probe.encoding === 'utf-8' || probe.encoding.startsWith('utf-16');
    return new TextDecoder(probe.encoding, { fatal, ignoreBOM: false });
  } catch (err) {
    throw new RunError('E_ENCODING_UNKNOWN', `unknown encoding "${encoding}"`, {
      hint: 'use a WHATWG encoding label such as utf8, utf16le, latin1, windows-1252, shift_jis',
      cause: err,
    });
  }
}

/**
 * Decodes a byte stream into text chunks (multi-byte characters split across chunks are joined).
 * Throws InvalidTextError on invalid bytes for UTF-8/UTF-16 (other encodings map every byte).
 */
export async function* decodeText(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, encoding: string): AsyncGenerator<string> {
  const decoder = createDecoder(encoding);
  for await (const bytes of input) {
    const text = decode(decoder, bytes, true, encoding);
    if (text.length > 0) yield text;
  }
  const tail = decode(decoder, new Uint8Array(0), false, encoding);
  if (tail.length > 0) yield tail;
}

function decode(decoder: TextDecoder, bytes: Uint8Array, stream: boolean, encoding: string): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch (err) {
    const lenient = new TextDecoder(decoder.encoding);
    const text = lenient.decode(bytes);
    const bad = text.indexOf('\uFFFD');
    throw new InvalidTextError(encoding, bad < 0 ? text : text.slice(0, bad), err);
  }
}

/** Counts line ends in `text[from, to)`: `\n` (also covers `\r\n`), or `\r` for old-Mac files. */
export function countLineEnds(text: string, from: number, to: number, lineEnd: '\n' | '\r' = '\n'): number {
  let n = 0;
  let i = text.indexOf(lineEnd, from);
  while (i !== -1 && i < to) {
    n++;
    i = text.indexOf(lineEnd, i + 1);
  }
  return n;
}
