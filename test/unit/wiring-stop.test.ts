import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type RunningPart, type StopFailure, stopAndReport, stopInReverse } from '../../src/wiring/parts.js';

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

describe('stopAndReport', () => {
  it('logs each part that fails to stop, stops the rest, then rejects naming the failed parts', async () => {
    let logged = '';
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          logged += String(chunk);
          done();
        },
      }),
    );
    const stopped: string[] = [];
    const failing = (name: string): RunningPart => ({
      name,
      stop: () => {
        throw new Error(`${name} is stuck`);
      },
    });
    const stop = stopAndReport(
      [{ name: 'worker', stop: () => void stopped.push('worker') }, failing('slack'), failing('watch')],
      logger,
    );
    await expect(stop).rejects.toThrow('could not stop: watch, slack');
    expect(stopped).toEqual(['worker']);
    const lines = logged
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; part: string; err: { message: string } });
    expect(lines.map((l) => [l.event, l.part, l.err.message])).toEqual([
      ['app.stop_failed', 'watch', 'watch is stuck'],
      ['app.stop_failed', 'slack', 'slack is stuck'],
    ]);
  });
});
