import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WORKFLOW_STEP_ACTIONS, WORKFLOW_STEP_CALLBACK_ID } from '../../src/workflow/workflow-step.js';

interface Parameters {
  properties: Record<string, { type: string; enum?: string[]; choices?: { value: string }[] }>;
  required: string[];
}

interface Manifest {
  functions: Record<string, { title: string; input_parameters: Parameters; output_parameters: Parameters }>;
  features: { slash_commands: { command: string; url?: string }[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled: boolean;
    org_deploy_enabled: boolean;
    function_runtime?: string;
    event_subscriptions: { bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
  };
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

  it('declare the Workflow Builder step with its inputs, outputs and a remote runtime', () => {
    for (const manifest of [http, socket]) {
      const step = manifest.functions[WORKFLOW_STEP_CALLBACK_ID];
      expect(step?.title).toBe('Request a shared-disk change');
      const inputs = step?.input_parameters;
      expect(Object.keys(inputs?.properties ?? {})).toEqual([
        'action',
        'disk',
        'instances',
        'size_gib',
        'zone',
        'reason',
        'requester',
      ]);
      expect(inputs?.properties.action?.enum).toEqual([...WORKFLOW_STEP_ACTIONS]);
      expect(inputs?.properties.action?.choices?.map((c) => c.value)).toEqual([...WORKFLOW_STEP_ACTIONS]);
      expect(inputs?.properties.size_gib?.type).toBe('integer');
      expect(inputs?.properties.requester?.type).toBe('slack#/types/user_id');
      expect(inputs?.required).toContain('requester');
      expect(inputs?.required).not.toContain('instances');
      expect(Object.keys(step?.output_parameters.properties ?? {})).toEqual([
        'request_id',
        'outcome',
        'summary',
      ]);
      expect(manifest.settings.function_runtime).toBe('remote');
      expect(manifest.settings.org_deploy_enabled).toBe(true);
      expect(manifest.settings.event_subscriptions.bot_events).toContain('function_executed');
    }
  });
});
