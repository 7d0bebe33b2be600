/**
 * The console's HTML shell and stylesheet. The page has no inline script or style, so the server's
 * Content-Security-Policy can forbid both: even if some Block Kit text slipped past the renderer's
 * escaping, it could not run.
 */

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>shared-disk-bot · sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<header class="topbar">
  <span class="brand">shared-disk-bot <span class="tag">sandbox</span></span>
  <label class="who">You are
    <select id="user-select" data-testid="user-select" aria-label="Act as"></select>
  </label>
  <button id="workflow-toggle" class="btn" data-testid="workflow-toggle" type="button">Run workflow step</button>
  <button id="admin-toggle" class="btn" data-testid="admin-toggle" type="button">Cloud admin ▸</button>
</header>
<div class="layout">
  <nav class="sidebar" aria-label="Workspace">
    <div class="workspace">Sandbox workspace</div>
    <div class="nav-title">Channels</div>
    <ul id="channel-list" class="nav-list"></ul>
    <div class="nav-title">Apps</div>
    <ul class="nav-list">
      <li><button id="home-link" class="nav-item" data-testid="home-link" type="button">diskbot · Home</button></li>
    </ul>
    <div class="nav-help">Type <code>/disk help</code> in a channel to start.</div>
  </nav>
  <main class="main">
    <div id="view-header" class="view-header"></div>
    <div id="messages" class="messages" data-testid="messages" aria-live="polite"></div>
    <div id="home" class="home" data-testid="home" hidden></div>
    <form id="composer" class="composer" autocomplete="off">
      <input id="composer-input" data-testid="composer" aria-label="Message">
      <button class="btn primary" type="submit">Send</button>
    </form>
  </main>
  <aside id="admin" class="admin" data-testid="admin" hidden aria-label="Cloud admin"></aside>
</div>
<dialog id="modal" class="modal" data-testid="modal"></dialog>
<dialog id="confirm" class="confirm" data-testid="confirm"></dialog>
<dialog id="workflow-step" class="modal" data-testid="workflow-step"></dialog>
<div id="toast" class="toast" role="status" hidden></div>
<script src="/assets/console.js"></script>
</body>
</html>
`;

export const PAGE_CSS = `
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { height: 100%; margin: 0; }
body { font: 15px/1.46 -apple-system, "Segoe UI", Lato, Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d1c1d; background: #fff; display: flex; flex-direction: column; }
code, pre { font-family: Monaco, Menlo, Consolas, "Courier New", monospace; font-size: 12px; }
.topbar { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #350d36; color: #fff; }
.brand { font-weight: 700; }
.tag { background: #e8912d; color: #1d1c1d; border-radius: 4px; padding: 1px 6px; font-size: 12px; }
.who { margin-left: auto; }
.who select { margin-left: 6px; font: inherit; padding: 3px 6px; border-radius: 4px; }
.layout { flex: 1; display: flex; min-height: 0; }
.sidebar { width: 220px; background: #3f0e40; color: #cfc3cf; padding: 12px 0; overflow-y: auto; }
.workspace { color: #fff; font-weight: 900; font-size: 17px; padding: 0 16px 12px; border-bottom: 1px solid #522653; }
.nav-title { padding: 14px 16px 4px; font-size: 13px; }
.nav-list { list-style: none; margin: 0; padding: 0; }
.nav-item { display: block; width: 100%; text-align: left; background: none; border: 0; color: inherit;
  font: inherit; padding: 4px 16px 4px 26px; cursor: pointer; }
.nav-item:hover { background: #350d36; }
.nav-item.active { background: #1164a3; color: #fff; }
.nav-help { padding: 20px 16px; font-size: 12px; }
.nav-help code { background: #522653; color: #fff; padding: 1px 3px; border-radius: 3px; }
.main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.view-header { padding: 12px 20px; border-bottom: 1px solid #ddd; font-weight: 900; font-size: 18px; }
.view-header small { font-weight: 400; color: #616061; font-size: 13px; margin-left: 8px; }
.messages, .home { flex: 1; overflow-y: auto; padding: 8px 0 16px; }
.home { padding: 16px 20px; }
.message { display: flex; gap: 8px; padding: 6px 20px; }
.message:hover { background: #f8f8f8; }
.message.highlight { background: #fff8e0; }
.message.ephemeral { background: #f4f8fb; }
.avatar { flex: 0 0 36px; height: 36px; border-radius: 4px; background: #1264a3; color: #fff; font-weight: 700;
  display: flex; align-items: center; justify-content: center; }
.avatar.bot { background: #2eb67d; }
.avatar.slackbot { background: #e01e5a; }
.msg-body { flex: 1; min-width: 0; }
.msg-meta { display: flex; gap: 8px; align-items: baseline; }
.msg-author { font-weight: 900; }
.app-badge { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 0 4px; border-radius: 2px; }
.msg-time, .edited, .only-you, .broadcast-note { color: #616061; font-size: 12px; }
.only-you { font-style: italic; }
.mrkdwn { white-space: pre-wrap; overflow-wrap: anywhere; }
.mrkdwn code { background: #f6f6f6; border: 1px solid #ddd; color: #e01e5a; border-radius: 3px; padding: 0 3px; }
pre.code-block { white-space: pre; overflow-x: auto; background: #f8f8f8; border: 1px solid #ddd; border-radius: 4px;
  padding: 8px; margin: 4px 0; }
.emoji { display: inline-block; min-width: 1.25em; height: 1.25em; line-height: 1.25em; margin: 0 .1em;
  border-radius: 4px; text-align: center; vertical-align: -0.2em; font-size: .85em; font-weight: 700; color: #fff; }
.emoji.round { border-radius: 50%; width: 1.1em; min-width: 0; height: 1.1em; }
.emoji.green { background: #2eb67d; } .emoji.red { background: #e01e5a; } .emoji.yellow { background: #ecb22e; color: #1d1c1d; }
.emoji.orange { background: #e8912d; } .emoji.blue { background: #1264a3; } .emoji.grey { background: #868686; }
.emoji.plain { background: none; color: #2eb67d; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.slack-date { border-bottom: 1px dotted #999; }
a { color: #1264a3; }
.block { margin: 4px 0; }
.block-header { font-weight: 900; font-size: 18px; }
.section-with-accessory { display: flex; gap: 12px; align-items: flex-start; }
.section-with-accessory > :first-child { flex: 1; }
.section-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; }
.block-context { color: #616061; font-size: 12px; display: flex; flex-wrap: wrap; gap: 8px; }
.block-actions { display: flex; flex-wrap: wrap; gap: 8px; }
hr.block-divider { border: 0; border-top: 1px solid #ddd; margin: 8px 0; }
.unsupported { color: #a00; font-size: 12px; }
.btn { font: inherit; font-size: 14px; font-weight: 700; padding: 4px 12px; border-radius: 4px; border: 1px solid #bbb;
  background: #fff; color: #1d1c1d; cursor: pointer; }
.btn:hover { background: #f6f6f6; }
.btn.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.btn.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.btn:disabled { opacity: .5; cursor: default; }
.topbar .btn { background: #522653; color: #fff; border-color: #7c3085; }
.thread-toggle { background: none; border: 0; color: #1264a3; font: inherit; font-size: 13px; font-weight: 700;
  padding: 2px 0; cursor: pointer; }
.thread { margin: 4px 0 4px 44px; border-left: 3px solid #e8e8e8; }
.thread .message { padding: 4px 12px; }
.composer { display: flex; gap: 8px; padding: 12px 20px; border-top: 1px solid #ddd; }
.composer input { flex: 1; font: inherit; padding: 9px 12px; border: 1px solid #bbb; border-radius: 6px; }
.admin { width: 420px; border-left: 1px solid #ddd; overflow-y: auto; padding: 12px 16px; background: #fafafa; font-size: 13px; }
.admin h2 { font-size: 15px; margin: 16px 0 6px; }
.admin table { border-collapse: collapse; width: 100%; }
.admin td, .admin th { text-align: left; padding: 3px 4px; border-bottom: 1px solid #eee; vertical-align: top; }
.admin .btn { font-size: 12px; padding: 1px 6px; }
.admin input, .admin select { font: inherit; padding: 2px 4px; }
.admin input[type=number] { width: 88px; }
.admin .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.admin .card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px; margin: 6px 0; }
.muted { color: #616061; }
dialog { border: 0; border-radius: 8px; padding: 0; box-shadow: 0 18px 48px rgba(0,0,0,.35); max-width: 92vw; }
dialog::backdrop { background: rgba(0,0,0,.45); }
.modal { width: 520px; }
.modal-title { font-weight: 900; font-size: 20px; padding: 16px 20px; border-bottom: 1px solid #ddd; }
.modal-body { padding: 12px 20px; max-height: 65vh; overflow-y: auto; }
.modal-foot, .confirm-foot { display: flex; justify-content: flex-end; gap: 8px; padding: 12px 20px; border-top: 1px solid #ddd; }
.input-block { margin: 12px 0; }
.input-block label { display: block; font-weight: 700; margin-bottom: 4px; }
.input-block .optional { color: #616061; font-weight: 400; }
.input-block input, .input-block select, .input-block textarea { width: 100%; font: inherit; padding: 7px 10px;
  border: 1px solid #bbb; border-radius: 4px; }
.input-block textarea { min-height: 80px; }
.input-block .hint { color: #616061; font-size: 13px; margin-top: 2px; }
.input-block .error { color: #e01e5a; font-size: 13px; margin-top: 2px; }
.input-block.has-error input, .input-block.has-error select, .input-block.has-error textarea { border-color: #e01e5a; }
.checkbox { display: flex; gap: 8px; align-items: flex-start; font-weight: 400 !important; }
.checkbox .mrkdwn { display: inline; }
.input-block .checkbox input { width: auto; margin-top: 4px; }
.picker-chips { display: flex; flex-wrap: wrap; gap: 4px; }
.picker-chips:not(:empty) { margin-bottom: 4px; }
.picker-chip { background: #e8f5fa; color: #1264a3; border-radius: 4px; padding: 1px 2px 1px 6px; font-size: 14px; }
.picker-remove { background: none; border: 0; color: inherit; font: inherit; cursor: pointer; padding: 0 4px; }
.picker-menu { border: 1px solid #ddd; border-radius: 4px; margin-top: 2px; max-height: 240px; overflow-y: auto;
  box-shadow: 0 4px 12px rgba(0,0,0,.12); }
.picker-group { padding: 6px 10px 2px; color: #616061; font-size: 12px; font-weight: 700; text-transform: uppercase; }
.picker-option { padding: 5px 10px; cursor: pointer; }
.picker-option:hover { background: #1264a3; color: #fff; }
.picker-option:hover .muted { color: #e8f5fa; }
.picker-note { padding: 6px 10px; color: #616061; font-size: 13px; }
.picker-note.error { color: #e01e5a; }
.confirm { width: 440px; }
.wf-field { display: flex; flex-direction: column; gap: 4px; margin: 8px 0; font-weight: 700; }
.confirm-title { font-weight: 900; font-size: 18px; padding: 16px 20px 4px; }
.confirm-text { padding: 4px 20px 12px; }
.toast { position: fixed; bottom: 20px; left: 50%; transform: translateX(-50%); background: #1d1c1d; color: #fff;
  padding: 8px 16px; border-radius: 6px; }
`;
