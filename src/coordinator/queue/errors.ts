/**
 * Errors the job queue throws at its callers (the coordinator maps them to HTTP answers through
 * src/errors.ts). Codes are stable strings; docs/coordinator-queue.md lists them.
 */
export const QUEUE_ERROR_CODES = {
  bad_job: 'The job (or a claim option) is malformed: a missing or unknown field, or a value out of range.',
  job_unknown: 'No job has this id.',
  lease_unknown: 'No lease has this id.',
  lease_expired: 'The lease is no longer current: it expired, the job was leased again, or the job already finished.',
  idempotency_conflict: 'The idempotency key was already used for a different report.',
  queue_closed: 'The queue was used after close().',
} as const;

export type QueueErrorCode = keyof typeof QUEUE_ERROR_CODES;

export class QueueError extends Error {
  readonly code: QueueErrorCode;
  constructor(code: QueueErrorCode, message: string) {
    super(message);
    this.name = 'QueueError';
    this.code = code;
  }
}
