import type { MountTable } from '../cloud/mounts.js';
import type { DiskRequest } from '../workflow/request.js';
import type { FinishState } from '../workflow/state-machine.js';

/** One step of a running request, as the thread reply shows it. */
export interface StepReport {
  readonly label: string;
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly detail?: string;
  readonly durationMs: number;
}

/** A row of the attachment table posted at the end. */
export interface AttachmentRow {
  readonly instanceId: string;
  /** As ECS reports it (`/dev/xvdb`); empty once detached. */
  readonly device: string;
  readonly state: 'attached' | 'detached';
}

/** Why one instance did not get the change: the cloud's code and what it means in plain words. */
export interface InstanceFailure {
  readonly instanceId: string;
  readonly code: string;
  readonly message: string;
}

export interface ExecutionResult {
  readonly state: FinishState;
  readonly outcome: { readonly code: string; readonly message: string };
  readonly attachments: readonly AttachmentRow[];
  readonly failures: readonly InstanceFailure[];
  /** Mount status after the change (attach, detach, failover); absent when it could not be read at all. */
  readonly mounts?: MountTable;
  /** Failover: every step with its duration, and the total. */
  readonly timeline?: { readonly steps: readonly StepReport[]; readonly totalMs: number };
}

/**
 * Port: tells people what a running request does (the Slack layer: a thread reply per step, the
 * card updated in place, the result broadcast with the attachment table). Plain data only. A
 * reporter that throws is logged and ignored: reporting never changes what happens in the cloud.
 */
export interface ExecutionReporter {
  started(request: DiskRequest): Promise<void>;
  step(request: DiskRequest, step: StepReport): Promise<void>;
  finished(request: DiskRequest, result: ExecutionResult): Promise<void>;
}

/**
 * Port: the audit stream's free-form entries (the review store's `recordIncident`), where every
 * data-safety decision is written. Failures are logged, never thrown into the executor.
 */
export interface GuardAuditLog {
  record(input: {
    event: string;
    subject: string;
    actor: string;
    at: number;
    details: Record<string, unknown>;
  }): Promise<void>;
}

/** The slice of a pino logger the execution subsystem writes to. */
export interface ExecutionLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export const silentLogger: ExecutionLogger = { info() {}, warn() {}, error() {} };
