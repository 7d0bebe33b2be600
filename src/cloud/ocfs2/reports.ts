/** What the OCFS2 scripts print (one JSON line each), parsed by the bot; the emulator prints the same. */
import { z } from 'zod';

export const signatureSchema = z.object({
  device: z.string(),
  type: z.string(),
  /** wipefs' byte offset (`0x438`); null when only `blkid -p` saw it. */
  offset: z.string().nullable(),
});
export type Signature = z.infer<typeof signatureSchema>;

export const ocfs2ProbeSchema = z.object({
  attached: z.boolean(),
  device: z.string().nullable(),
  serial: z.string(),
  hostname: z.string(),
  addresses: z.array(z.string()),
  signatures: z.array(signatureSchema),
  mountpoint: z.object({
    path: z.string(),
    inUse: z.boolean(),
    source: z.string().nullable(),
    fstype: z.string().nullable(),
  }),
  tools: z.object({ mkfs: z.boolean(), o2cb: z.boolean() }),
  /** The image's package manager that can install ocfs2-tools, or null. */
  installer: z.string().nullable(),
  /** The OCFS2 volume on the whole device, if any (slots null when tunefs.ocfs2 could not say). */
  ocfs2: z.object({ uuid: z.string(), label: z.string(), slots: z.number().int().nullable() }).nullable(),
  /** This host's cluster description of the probed cluster: `host:ip:number,…`, or empty. */
  members: z.string(),
});
export type Ocfs2Probe = z.infer<typeof ocfs2ProbeSchema>;

export const ocfs2ClusterReportSchema = z.object({
  hostname: z.string(),
  number: z.number().int(),
  cluster: z.string(),
  written: z.boolean(),
  installed: z.boolean(),
  wasOnline: z.boolean(),
  online: z.literal(true),
});
export type Ocfs2ClusterReport = z.infer<typeof ocfs2ClusterReportSchema>;

export const ocfs2FormatReportSchema = z.object({
  device: z.string(),
  uuid: z.string(),
  label: z.string(),
  slots: z.number().int(),
  already: z.boolean(),
});
export type Ocfs2FormatReport = z.infer<typeof ocfs2FormatReportSchema>;

export const ocfs2MountReportSchema = z.object({
  device: z.string(),
  mountpoint: z.string(),
  fstabAdded: z.boolean(),
  already: z.boolean(),
});
export type Ocfs2MountReport = z.infer<typeof ocfs2MountReportSchema>;

export const ocfs2LeaveReportSchema = z.object({
  mountpoint: z.string(),
  unmounted: z.boolean(),
  fstabRemoved: z.boolean(),
});
export type Ocfs2LeaveReport = z.infer<typeof ocfs2LeaveReportSchema>;
