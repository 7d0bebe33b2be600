import type { App } from '@slack/bolt';
import { type DiskCommandDeps, registerDiskCommand } from './disk.js';

export function register(app: App, deps: DiskCommandDeps): void {
  registerDiskCommand(app, deps);
}
