/** Every API call the emulator answered, so tests can count mutations and inspect what the bot sent. */
import type { RawParams } from './params.js';

export interface CallRecord {
  seq: number;
  /** ISO time on the emulator clock. */
  time: string;
  action: string;
  /** Decoded query parameters as sent, signature parameters included. */
  params: RawParams;
  /** `OK` or the error code answered. */
  code: string;
  status: number;
  requestId: string;
  accessKeyId: string | null;
  /** The account whose world the call acted on; null when the caller was never authenticated. */
  accountId: string | null;
  /** The STS session (`RoleSessionName`) the call was signed under; null for a long-lived key. */
  roleSessionName: string | null;
}

/** Oldest entries go first once the log holds this many, so a long sandbox session stays small. */
const MAX_RECORDS = 10_000;

export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;

  record(entry: Omit<CallRecord, 'seq'>): void {
    this.seq += 1;
    this.records.push({ seq: this.seq, ...entry });
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
  }

  list(action?: string): CallRecord[] {
    return action === undefined ? [...this.records] : this.records.filter((r) => r.action === action);
  }

  clear(): number {
    const n = this.records.length;
    this.records = [];
    return n;
  }
}
