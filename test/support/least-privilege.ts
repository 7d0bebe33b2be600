import type { RamPolicy } from '../../src/emulator/index.js';

export const MANAGED_TAG = { key: 'shared-disk-bot:managed', value: 'true' } as const;

/**
 * A least-privilege policy in the shape the bot's should take: reads everywhere, disk calls and
 * command invocations only on tagged (managed) instances and disks, command management on commands,
 * and no RunCommand at all.
 */
export const LEAST_PRIVILEGE: RamPolicy = {
  Version: '1',
  Statement: [
    { Effect: 'Allow', Action: ['ecs:Describe*'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['ecs:AttachDisk', 'ecs:DetachDisk', 'ecs:InvokeCommand'],
      Resource: ['acs:ecs:*:*:instance/*', 'acs:ecs:*:*:disk/*'],
      Condition: { StringEquals: { [`ecs:tag/${MANAGED_TAG.key}`]: MANAGED_TAG.value } },
    },
    {
      Effect: 'Allow',
      Action: ['ecs:CreateCommand', 'ecs:DeleteCommand', 'ecs:InvokeCommand'],
      Resource: 'acs:ecs:*:*:command/*',
    },
  ],
};
