import { describe, expect, it } from 'vitest';
import { type RunningPart, type StopFailure, stopInReverse } from '../../src/wiring/parts.js';

describe('stopInReverse', () => {
  it('stops the last-started part first', async () => {
    const stopped: string[] = [];
    const part = (name: string): RunningPart => ({ name, stop: () => void stopped.push(name) });
    await stopInReverse(
      [part('execution'), part('worker'), part('slack'), part('reconciler')],
      () => undefined,
    );
    expect(stopped).toEqual(['reconciler', 'slack', 'worker', 'execution']);
  });

  it('stops the parts after one whose stop throws, and reports that failure', async () => {
    const stopped: string[] = [];
    const reported: StopFailure[] = [];
    const boom = new Error('server would not close');
    const failures = await stopInReverse(
      [
        { name: 'execution', stop: async () => void stopped.push('execution') },
        { name: 'worker', stop: () => void stopped.push('worker') },
        {
          name: 'slack',
          stop: async () => {
            throw boom;
          },
        },
        { name: 'sweeper', stop: () => void stopped.push('sweeper') },
      ],
      (failure) => reported.push(failure),
    );
    expect(stopped).toEqual(['sweeper', 'worker', 'execution']);
    expect(reported).toEqual([{ part: 'slack', error: boom }]);
    expect(failures).toEqual(reported);
  });
});
