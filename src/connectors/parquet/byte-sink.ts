import { ByteWriter } from 'hyparquet-writer';
import type { AtomicWriter } from '../shared/atomic-writer.js';

const CHUNK_BYTES = 1 << 20;

/**
 * hyparquet-writer's byte buffer, drained into an atomic file writer: full 1 MiB chunks are set
 * aside as they fill (ensure() must stay synchronous) and written out on flush(), which
 * ParquetWriter calls and awaits after each row group, and on finish(). So at most one encoded
 * row group is held in memory.
 */
export class AtomicByteSink extends ByteWriter {
  private readonly ready: Uint8Array[] = [];

  constructor(private readonly out: AtomicWriter) {
    super(CHUNK_BYTES + 1024);
  }

  override ensure(size: number): void {
    if (this.index > CHUNK_BYTES) this.setAside();
    super.ensure(size);
  }

  async flush(): Promise<void> {
    this.setAside();
    for (const chunk of this.ready.splice(0)) await this.out.write(chunk);
  }

  override finish(): Promise<void> {
    return this.flush();
  }

  private setAside(): void {
    if (this.index === 0) return;
    this.ready.push(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }
}
