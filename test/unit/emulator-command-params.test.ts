/** Cloud Assistant's parameters in the emulator: built-ins per instance, reserved names, limits. */
import { describe, expect, it } from 'vitest';
import {
  checkCommand,
  MAX_CONTENT_BASE64_BYTES,
  referencedNames,
  renderCommand,
  valuesFor,
} from '../../src/emulator/command-params.js';

const code = (c: string, status: number) => expect.objectContaining({ code: c, status });
const ctx = (instanceId: string, instanceName: string) => ({
  regionId: 'cn-hangzhou',
  accountId: '1000000000000000',
  instanceId,
  instanceName,
  invokeId: 't-hz01',
  commandId: 'c-hz01',
});
const check =
  (content: string, parameters: Record<string, string> = {}, instanceCount = 1) =>
  () =>
    checkCommand({ content, enableParameter: true, parameters, instanceCount });

describe('built-in parameters', () => {
  const content =
    'echo {{ACS::InstanceId}} {{ ACS::InstanceName }} {{acs::regionid}} {{ACS::InvokeId}}\n' +
    'echo {{ACS::CommandId}} {{ACS::AccountId}} {{\n serial \n}} {{ACS::InstanceId}}';

  it('finds each referenced name once, blanks and line breaks around it ignored', () => {
    expect(referencedNames(content)).toEqual([
      'ACS::InstanceId',
      'ACS::InstanceName',
      'acs::regionid',
      'ACS::InvokeId',
      'ACS::CommandId',
      'ACS::AccountId',
      'serial',
    ]);
  });

  it('are substituted per instance: one command, each copy with its own instance id and name', () => {
    const a = valuesFor(content, { serial: 'bp1x' }, ctx('i-a', 'web-a'));
    const b = valuesFor(content, { serial: 'bp1x' }, ctx('i-b', 'web-b'));
    expect(renderCommand(content, a ?? {})).toBe(
      'echo i-a web-a cn-hangzhou t-hz01\necho c-hz01 1000000000000000 bp1x i-a',
    );
    expect(renderCommand(content, b ?? {})).toBe(
      'echo i-b web-b cn-hangzhou t-hz01\necho c-hz01 1000000000000000 bp1x i-b',
    );
  });

  it('only those the content references reach the script, by lower-case name', () => {
    expect(valuesFor('echo {{ACS::InstanceId}} {{serial}}', { Serial: 'bp1x' }, ctx('i-a', 'a'))).toEqual({
      'acs::instanceid': 'i-a',
      serial: 'bp1x',
    });
  });

  it('nothing is substituted without EnableParameter', () => {
    expect(valuesFor('echo {{ACS::InstanceId}}', null, ctx('i-a', 'a'))).toBeNull();
    expect(() =>
      checkCommand({
        content: 'echo {{acs::nope}} {{bad name}}',
        enableParameter: false,
        parameters: {},
        instanceCount: 1,
      }),
    ).not.toThrow();
  });
});

describe('RunCommand refusals (the real codes and statuses)', () => {
  it('refuses custom names in the reserved acs:: namespace, in any case', () => {
    for (const name of ['acs::InstanceId', 'ACS::Serial', 'Acs::x']) {
      expect(check('echo {{serial}}', { [name]: 'x' })).toThrow(code('CmdParam.InvalidParamName', 400));
    }
    expect(check('echo {{ACS::Serial}}')).toThrow(code('CmdParam.InvalidParamName', 400));
    expect(check('echo {{ACS::InstanceId}} {{acs::commandid}}')).not.toThrow();
  });

  it('refuses names outside a-zA-Z0-9-_, empty names and names over 64 bytes', () => {
    expect(check('echo {{a.b}}')).toThrow(code('CmdParam.InvalidParamName', 400));
    expect(check('echo {{x}}', { 'a b': '1' })).toThrow(code('CmdParam.InvalidParamName', 400));
    expect(check('echo {{}}')).toThrow(code('CmdParam.EmptyKey', 400));
    expect(check(`echo {{${'n'.repeat(65)}}}`)).toThrow(code('CmdParamName.ExceedLimit', 403));
    expect(check(`echo {{${'n'.repeat(64)}}}`)).not.toThrow();
  });

  it('allows 20 parameters, custom and built-in together, and refuses 21', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `{{p${i}}}`).join(' ');
    expect(check(`echo {{ACS::InstanceId}} ${names(19)}`)).not.toThrow();
    expect(check(`echo {{ACS::InstanceId}} ${names(20)}`)).toThrow(code('CmdParamCount.ExceedLimit', 403));
    const given = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, '']));
    expect(check('echo', given)).toThrow(code('CmdParamCount.ExceedLimit', 403));
  });

  it('allows 100 instances per RunCommand and refuses 101', () => {
    expect(check('echo', {}, 100)).not.toThrow();
    expect(check('echo', {}, 101)).toThrow(code('InstanceIds.ExceedLimit', 403));
  });

  it('refuses content over 24 KB after Base64, parameters substituted', () => {
    const raw = (MAX_CONTENT_BASE64_BYTES / 4) * 3; // exactly 24 KB of Base64
    expect(check('x'.repeat(raw))).not.toThrow();
    expect(check('x'.repeat(raw + 1))).toThrow(code('CmdContent.ExceedLimit', 403));
    expect(check(`${'x'.repeat(raw - 8)}{{big}}`, { big: 'y'.repeat(100) })).toThrow(
      code('CmdContent.ExceedLimit', 403),
    );
  });
});
