export declare const REJECTS_HEADER: string;
export declare function rejectsPipeline(name: string, input: string, output: string, deadLetter: string): string;
export declare function writeRejectsCsv(
  file: string,
  rows: number,
  badFraction: number,
  display: string,
): Promise<{ bad: Map<string, { id: number; kind: string }>; good: number }>;
