/**
 * NVMe reservation fencing through Cloud Assistant (multi-attach-facts.md): every host registers a
 * key derived from its instance id; the primary's writes stop once the standby preempts its key and
 * holds a Write Exclusive, Registrants Only reservation. Every claim is verified by a fresh report.
 */
import { jsonLine, type OutputParser, runOnInstances, type TargetOutcome } from '../../cloud/assistant.js';
import type { DiskInfo, EcsGateway, ReadGateway } from '../../cloud/gateway.js';
import { isRegistrant } from '../../cloud/mounts.js';
import {
  type InspectReport,
  inspectReportSchema,
  RESERVATION_TYPE,
  type ReservationReport,
  reservationKeyFor,
  reservationReportSchema,
  SAFE_SERIAL,
  type ScriptName,
  sameKey,
  scriptText,
  serialFor,
} from '../../cloud/scripts/index.js';
import type { RequestKind } from '../../workflow/request.js';
import type { StepContext } from './context.js';

type ReservationScript = Extract<
  ScriptName,
  'nvme-register' | 'nvme-acquire' | 'nvme-preempt' | 'nvme-report'
>;
type Fail = { ok: false; code: string; message: string };

/**
 * Runs one script that derives this host's key on every instance in ONE RunCommand (the runner
 * splits past 100): each host derives its own key from Cloud Assistant's `{{ACS::InstanceId}}`, so
 * no per-host parameter is sent. `extra` holds what is the same everywhere (`victimKey`).
 */
async function onEveryHost<T>(
  ctx: StepContext<RequestKind>,
  gateway: ReadGateway,
  name: ReservationScript | 'nvme-register-inspect',
  disk: Pick<DiskInfo, 'diskId' | 'serialNumber' | 'regionId'>,
  instanceIds: readonly string[],
  parse: OutputParser<T>,
  extra: Record<string, string> = {},
): Promise<TargetOutcome<T>[]> {
  const serial = serialFor(disk);
  if (!SAFE_SERIAL.test(serial)) {
    return instanceIds.map((instanceId) => ({
      ok: false,
      instanceId,
      state: 'error',
      code: 'unsafe_serial',
      message: `the disk's serial ${JSON.stringify(serial)} cannot be put in a script`,
    }));
  }
  if (instanceIds.length === 0) return [];
  ctx.assertHeld();
  return runOnInstances(
    gateway,
    {
      regionId: disk.regionId,
      instanceIds,
      script: scriptText(name),
      parameters: { serial, ...extra },
      timeoutSec: ctx.assistantTimeoutSec,
      name: `shared-disk-bot ${name}`,
    },
    parse,
    ctx.assistantTiming,
  );
}

/** One reservation script on every instance named, each answering its `ReservationReport`. */
export const reservationScript = (
  ctx: StepContext<RequestKind>,
  gateway: ReadGateway,
  name: ReservationScript,
  disk: Pick<DiskInfo, 'diskId' | 'serialNumber' | 'regionId'>,
  instanceIds: readonly string[],
  extra: Record<string, string> = {},
): Promise<TargetOutcome<ReservationReport>[]> =>
  onEveryHost(ctx, gateway, name, disk, instanceIds, jsonLine(reservationReportSchema), extra);

/**
 * The host's own key among the registrants, compared by value with the bot's derivation: a host
 * that derived another key (a script or agent out of step) is a failure, not a registration.
 */
function registeredAs(report: ReservationReport, instanceId: string): boolean {
  const key = reservationKeyFor(instanceId);
  return report.registrants.some((r) => sameKey(r.key, key));
}

export interface Registration {
  readonly registered: string[];
  readonly failed: Fail[];
}

/** Sorts registration answers: each must show the key the bot derives for its host. */
function registrationOf<T>(
  outcomes: readonly TargetOutcome<T>[],
  reservationIn: (value: T) => ReservationReport | null,
): Registration {
  const registered: string[] = [];
  const failed: Fail[] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      failed.push({ ok: false, code: o.code, message: `${o.instanceId}: ${o.message}` });
      continue;
    }
    const reservation = reservationIn(o.value);
    if (reservation === null)
      failed.push({
        ok: false,
        code: 'reservation_unknown',
        message: `${o.instanceId}: the host's report has no reservation (nvme resv-report failed after the registration)`,
      });
    else if (registeredAs(reservation, o.instanceId)) registered.push(o.instanceId);
    else
      failed.push({
        ok: false,
        code: 'key_mismatch',
        message: `${o.instanceId}: the host's report lacks its key ${reservationKeyFor(o.instanceId)} (the script derived another one from {{ACS::InstanceId}})`,
      });
  }
  return { registered, failed };
}

/**
 * Registers each instance's own key on every instance named, in one RunCommand (idempotent), and
 * checks each report shows the key the bot derives; failures are listed, not thrown.
 */
export async function registerKeys(
  ctx: StepContext<RequestKind>,
  gateway: EcsGateway,
  disk: DiskInfo,
  instanceIds: readonly string[],
): Promise<Registration> {
  const outcomes = await reservationScript(ctx, gateway, 'nvme-register', disk, instanceIds);
  return registrationOf(outcomes, (report) => report);
}

/**
 * `registerKeys` with `nvme-register-inspect`: the same registration and checks, and each host's
 * inspect report read after it (`reports`, for the mount table). A host whose report shows no
 * reservation (nvme-cli could not read it) counts as failed: its key is unproven.
 */
export async function registerAndInspect(
  ctx: StepContext<RequestKind>,
  gateway: EcsGateway,
  disk: DiskInfo,
  instanceIds: readonly string[],
): Promise<Registration & { reports: TargetOutcome<InspectReport>[] }> {
  const reports = await onEveryHost(
    ctx,
    gateway,
    'nvme-register-inspect',
    disk,
    instanceIds,
    jsonLine(inspectReportSchema),
  );
  return { ...registrationOf(reports, (report) => report.reservation), reports };
}

/**
 * The fence holds when the standby holds a registrants-only reservation and the old primary is no
 * registrant: neither by its instance id (where the host reports it) nor by its derived key. A key
 * the bot cannot attribute to an instance other than the old primary fails the check, because it
 * could be the old primary's.
 */
export function verifyFence(
  report: ReservationReport,
  fence: { standby: string; victim: string; others: readonly string[] },
): { ok: true } | Fail {
  const mine = reservationKeyFor(fence.standby);
  const problems: string[] = [];
  if (!sameKey(report.holder, mine))
    problems.push(`the holder is ${report.holder ?? 'nobody'}, not the standby's key ${mine}`);
  if (report.type !== RESERVATION_TYPE)
    problems.push(`the type is ${report.type ?? 'none'}, not ${RESERVATION_TYPE}`);
  if (isRegistrant(report, fence.victim)) problems.push(`${fence.victim} is still registered`);
  const known = [fence.standby, ...fence.others].map(reservationKeyFor);
  // A host that knows instance ids (the emulator) has named them; real hosts only show keys.
  const unknown = report.registrants.filter((r) => !r.instanceId && !known.some((k) => sameKey(k, r.key)));
  if (unknown.length > 0) {
    problems.push(
      `${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((r) => r.key).join(', ')} belong to no instance the bot knows, maybe the old primary`,
    );
  }
  return problems.length === 0
    ? { ok: true }
    : { ok: false, code: 'fence_unverified', message: problems.join('; ') };
}

/**
 * Fences `from` from `to`: register the standby, preempt the old primary's key (or acquire when it
 * never registered: an unregistered host cannot write under a registrants-only reservation), then
 * verify with a fresh report. Runs on the standby only, so a crashed old primary is fenced too.
 */
export async function fenceByReservation(
  ctx: StepContext<RequestKind>,
  gateway: EcsGateway,
  disk: DiskInfo,
  fence: { from: string; to: string },
): Promise<{ ok: true; report: ReservationReport; detail: string } | Fail> {
  const one = async (name: ReservationScript, extra: Record<string, string> = {}) =>
    (await reservationScript(ctx, gateway, name, disk, [fence.to], extra))[0];
  const failed = (what: string, o: TargetOutcome<ReservationReport> | undefined): Fail => ({
    ok: false,
    code: 'fencing_failed',
    message: `${what} on ${fence.to} failed: ${o && !o.ok ? `${o.code}: ${o.message}` : 'no result'}`,
  });
  const registered = await one('nvme-register');
  if (!registered?.ok) return failed('nvme-register', registered);
  const victimRegistered = isRegistrant(registered.value, fence.from);
  const taken = victimRegistered
    ? await one('nvme-preempt', { victimKey: reservationKeyFor(fence.from) })
    : await one('nvme-acquire');
  if (!taken?.ok) return failed(victimRegistered ? 'nvme-preempt' : 'nvme-acquire', taken);
  const verified = await one('nvme-report');
  if (!verified?.ok) return failed('nvme-report (verification)', verified);
  const others = disk.attachments
    .map((a) => a.instanceId)
    .filter((id) => id !== fence.from && id !== fence.to);
  const check = verifyFence(verified.value, { standby: fence.to, victim: fence.from, others });
  if (!check.ok)
    return { ...check, message: `the reservation report does not show the fence: ${check.message}` };
  const how = victimRegistered
    ? `preempted key ${reservationKeyFor(fence.from)}`
    : `${fence.from} was never registered`;
  return {
    ok: true,
    report: verified.value,
    detail: `${how}; ${fence.to} holds ${RESERVATION_TYPE} as ${reservationKeyFor(fence.to)} (verified by nvme-report)`,
  };
}
