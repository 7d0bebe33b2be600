import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Manifest {
  features: { slash_commands: { command: string; url?: string }[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean; request_url?: string } };
}

const load = (path: string) => parse(readFileSync(path, 'utf8')) as Manifest;

describe('Slack app manifests', () => {
  const http = load('manifests/slack-app.yaml');
  const socket = load('manifests/slack-app.socket.yaml');

  it('declare /disk, interactivity, App Home and the scopes the bot calls', () => {
    for (const manifest of [http, socket]) {
      expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/disk']);
      expect(manifest.features.app_home.home_tab_enabled).toBe(true);
      expect(manifest.settings.interactivity.is_enabled).toBe(true);
      expect(manifest.oauth_config.scopes.bot).toEqual(
        expect.arrayContaining(['commands', 'chat:write', 'usergroups:read', 'users:read']),
      );
    }
  });

  it('differ only in transport: URLs for HTTP, socket_mode_enabled for Socket Mode', () => {
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(http.features.slash_commands[0]?.url).toMatch(/^https:\/\/.+\/slack\/events$/);
    expect(http.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(socket.features.slash_commands[0]?.url).toBeUndefined();
  });
});
