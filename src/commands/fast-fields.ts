/**
 * The fields the parser's fast path checks without zod (fast-errors.ts explains why that gives
 * zod's answer): each with a value its schema accepts and the issue it raises for a bad value. A
 * command's grammar lists which of its top-level fields are fast. Imports no kind.
 */
import type { z } from 'zod';
import { DISK_NAME_EXPECTED, DISK_REF_EXPECTED, readDiskRef, readSize } from './fields.js';
import { DISK_NAME_PATTERN } from './vocabulary.js';

/** What zod reports for the field, once finalized: the part of an issue parse.ts reads. */
export interface FieldIssue {
  readonly code: z.core.$ZodIssue['code'];
  readonly path: PropertyKey[];
  readonly message: string;
  readonly params?: { readonly code: string };
}

export interface FastField {
  readonly field: string;
  /** A value the field's schema accepts. */
  readonly placeholder: string;
  /** The issue for a trimmed value the field's schema refuses (path filled in by the caller). */
  readonly issue: (trimmed: string) => Omit<FieldIssue, 'path'> | undefined;
}

export const FAST_DISK_NAME: FastField = {
  field: 'name',
  placeholder: 'placeholder',
  // diskNameSchema: `.trim().regex(DISK_NAME_PATTERN, DISK_NAME_EXPECTED)`.
  issue: (trimmed) =>
    DISK_NAME_PATTERN.test(trimmed) ? undefined : { code: 'invalid_format', message: DISK_NAME_EXPECTED },
};

export const FAST_SIZE: FastField = {
  field: 'size',
  placeholder: '1',
  issue(trimmed) {
    const read = readSize(trimmed);
    return typeof read === 'number'
      ? undefined
      : { code: 'custom', message: read.problem, params: { code: 'invalid_value' } };
  },
};

export const FAST_DISK_REF: FastField = {
  field: 'diskId',
  placeholder: 'd-1',
  issue: (trimmed) =>
    readDiskRef(trimmed) === undefined ? { code: 'custom', message: DISK_REF_EXPECTED } : undefined,
};
