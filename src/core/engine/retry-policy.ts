/** Retry settings shared by every connector (`retry:` in the pipeline). */
export interface RetryPolicy {
  /** total attempts including the first; 1 disables retries. */
  readonly attempts: number;
  readonly initial_secs: number;
  readonly max_secs: number;
  /** 0..1: fraction of each delay that is randomised. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  initial_secs: 0.5,
  max_secs: 30,
  jitter: 0.2,
};
