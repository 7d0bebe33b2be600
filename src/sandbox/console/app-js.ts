/**
 * The browser-side console (plain ES2020, served as /assets/app.js): user picker, channels with
 * threads and ephemeral messages, App Home, modals with inline errors, confirm dialogs and the
 * composer. The server's event stream says "something changed"; the page then fetches the current
 * user's view of the workspace and redraws. Every click or submit is one POST to the console, which
 * turns it into a signed Slack request to the bot.
 */
export const APP_JS = String.raw`'use strict';
(function () {
  var B = window.SlackBlocks, el = B.el;
  var state = { users: [], channels: [], user: '', view: '', snap: null, open: {}, modalKey: '', highlight: '' };
  var $ = function (id) { return document.getElementById(id); };

  function api(path, body) {
    return fetch(path, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (json) {
        if (!r.ok) throw new Error(json.error || ('HTTP ' + r.status));
        return json;
      });
    });
  }
  function toast(text) {
    var t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 5000);
  }
  function userName(id) {
    if (id === 'U0DISKBOT') return 'diskbot';
    if (id === 'USLACKBOT') return 'Slackbot';
    for (var i = 0; i < state.users.length; i++) if (state.users[i].id === id) return state.users[i].name;
    return id;
  }
  function channelName(id) {
    for (var i = 0; i < state.channels.length; i++) if (state.channels[i].id === id) return state.channels[i].name;
    return id;
  }
  function timeOf(ts) {
    var d = new Date(Number(ts.split('.')[0]) * 1000);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  // The same render context serves channels, threads and App Home; only where a click goes differs.
  function ctxFor(where) {
    return {
      userName: userName, channelName: channelName, confirm: confirmDialog,
      onAction: function (a) {
        var body = { user: state.user, actionId: a.actionId, blockId: a.blockId, value: a.value, text: a.text };
        if (where.home) body.home = true; else { body.channel = where.channel; body.ts = where.ts; }
        return api('/api/action', body).then(function (r) { if (!r.ok) toast(r.error || 'The app did not answer.'); })
          .catch(function (e) { toast(e.message); });
      }
    };
  }

  // replies: the thread under a top-level message; null for a reply (inThread) or a broadcast copy.
  function messageNode(m, replies, inThread) {
    var row = el('div', 'message' + (m.ephemeralFor ? ' ephemeral' : ''));
    row.id = 'msg-' + m.channel + '-p' + m.ts.replace('.', '');
    row.dataset.ts = m.ts;
    row.dataset.channel = m.channel;
    if (row.id === state.highlight) row.classList.add('highlight');
    var bot = m.user === 'U0DISKBOT';
    var avatar = el('div', 'avatar' + (bot ? ' bot' : m.user === 'USLACKBOT' ? ' slackbot' : ''), userName(m.user).charAt(0).toUpperCase());
    row.appendChild(avatar);
    var body = el('div', 'msg-body');
    var meta = el('div', 'msg-meta');
    meta.appendChild(el('span', 'msg-author', userName(m.user)));
    if (bot) meta.appendChild(el('span', 'app-badge', 'APP'));
    meta.appendChild(el('span', 'msg-time', timeOf(m.ts)));
    if (m.edited) meta.appendChild(el('span', 'edited', '(edited)'));
    if (m.ephemeralFor) meta.appendChild(el('span', 'only-you', 'Only visible to you'));
    body.appendChild(meta);
    if (m.threadTs && m.replyBroadcast)
      body.appendChild(el('div', 'broadcast-note', inThread ? 'Also sent to the channel' : 'replied to a thread'));
    var ctx = ctxFor({ channel: m.channel, ts: m.ts });
    body.appendChild(m.blocks && m.blocks.length ? B.blocks(m.blocks, ctx) : B.mrkdwn(m.text, ctx));
    if (replies && replies.length) {
      var key = m.channel + m.ts;
      var toggle = el('button', 'thread-toggle', replies.length + (replies.length === 1 ? ' reply' : ' replies') + (state.open[key] ? ' \u25be' : ' \u25b8'));
      toggle.type = 'button';
      toggle.dataset.testid = 'thread-toggle';
      toggle.addEventListener('click', function () { state.open[key] = !state.open[key]; render(); });
      body.appendChild(toggle);
      if (state.open[key]) {
        var thread = el('div', 'thread');
        thread.dataset.testid = 'thread';
        replies.forEach(function (r) { thread.appendChild(messageNode(r, null, true)); });
        body.appendChild(thread);
      }
    }
    row.appendChild(body);
    return row;
  }

  function renderChannel(channel) {
    var box = $('messages');
    var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    var all = state.snap.messages.filter(function (m) { return m.channel === channel; });
    var repliesOf = {};
    all.forEach(function (m) { if (m.threadTs) (repliesOf[m.threadTs] = repliesOf[m.threadTs] || []).push(m); });
    var frag = document.createDocumentFragment();
    all.forEach(function (m) {
      if (!m.threadTs || m.replyBroadcast) frag.appendChild(messageNode(m, m.threadTs ? null : repliesOf[m.ts] || [], false));
    });
    if (!all.length) frag.appendChild(el('div', 'message muted', 'No messages yet. Type /disk help below.'));
    box.replaceChildren(frag);
    if (state.highlight && document.getElementById(state.highlight)) {
      document.getElementById(state.highlight).scrollIntoView({ block: 'center' });
      state.highlight = '';
    } else if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function renderHome() {
    var home = $('home');
    var view = state.snap.home;
    home.replaceChildren(view ? B.blocks(view.blocks, ctxFor({ home: true })) : el('div', 'muted', 'Loading App Home\u2026'));
  }

  function render() {
    if (!state.snap) return;
    var home = state.view === 'home';
    $('messages').hidden = home;
    $('home').hidden = !home;
    $('composer').hidden = home;
    var header = $('view-header');
    header.replaceChildren(document.createTextNode(home ? 'diskbot' : '# ' + channelName(state.view)));
    header.appendChild(el('small', '', home ? 'App Home of ' + userName(state.user) : 'as ' + userName(state.user)));
    document.querySelectorAll('.nav-item').forEach(function (n) { n.classList.toggle('active', n.dataset.view === state.view); });
    if (home) renderHome(); else renderChannel(state.view);
    renderModal(state.snap.modal);
  }

  function refresh() {
    if (!state.user) return Promise.resolve();
    var user = state.user;
    return api('/api/state?user=' + encodeURIComponent(user)).then(function (snap) {
      if (user !== state.user) return;
      state.snap = snap;
      render();
    }).catch(function (e) { toast('Console: ' + e.message); });
  }

  // Block Kit confirm objects become a real dialog; the promise says whether to go ahead.
  function confirmDialog(c, style) {
    var d = $('confirm');
    return new Promise(function (resolve) {
      var ctx = ctxFor({ home: true });
      var title = el('div', 'confirm-title', c.title ? c.title.text : 'Are you sure?');
      var text = el('div', 'confirm-text');
      text.appendChild(B.textObject(c.text, ctx));
      var foot = el('div', 'confirm-foot');
      var deny = el('button', 'btn', c.deny ? c.deny.text : 'Cancel');
      var ok = el('button', 'btn ' + (c.style || style || 'primary'), c.confirm ? c.confirm.text : 'Yes');
      deny.type = ok.type = 'button';
      deny.dataset.testid = 'confirm-deny';
      ok.dataset.testid = 'confirm-ok';
      var done = function (answer) { d.close(); resolve(answer); };
      deny.addEventListener('click', function () { done(false); });
      ok.addEventListener('click', function () { done(true); });
      d.oncancel = function (e) { e.preventDefault(); done(false); };
      foot.append(deny, ok);
      d.replaceChildren(title, text, foot);
      d.showModal();
    });
  }

  function collect(form) {
    var values = {}, missing = [];
    form.querySelectorAll('[data-block-id][data-action-id]').forEach(function (c) {
      if (!c.dataset.type) return;
      var v;
      if (c.dataset.type === 'static_select') {
        var opt = JSON.parse(c.dataset.options).filter(function (o) { return o.value === c.value; })[0];
        v = { type: 'static_select', selected_option: opt || null };
        if (!opt && !c.dataset.optional) missing.push([c.dataset.blockId, 'Please select an option.']);
      } else {
        var text = c.value === '' ? null : c.value;
        v = { type: c.dataset.type, value: text };
        if (text === null && !c.dataset.optional) missing.push([c.dataset.blockId, 'Please fill out this field.']);
        else if (text !== null && c.dataset.minLength && text.length < Number(c.dataset.minLength))
          missing.push([c.dataset.blockId, 'Please use at least ' + c.dataset.minLength + ' characters.']);
        else if (text !== null && c.type === 'number' && !c.checkValidity())
          missing.push([c.dataset.blockId, 'Please enter a number between ' + (c.min || '-') + ' and ' + (c.max || '-') + '.']);
      }
      values[c.dataset.blockId] = values[c.dataset.blockId] || {};
      values[c.dataset.blockId][c.dataset.actionId] = v;
    });
    return { values: values, missing: missing };
  }
  function showErrors(form, errors) {
    form.querySelectorAll('.input-block').forEach(function (b) {
      var msg = errors[b.dataset.blockId] || '';
      b.classList.toggle('has-error', !!msg);
      b.querySelector('.error').textContent = msg;
    });
  }

  function renderModal(modal) {
    var d = $('modal');
    var key = modal ? modal.id + ':' + modal.hash : '';
    if (key === state.modalKey) return;
    state.modalKey = key;
    if (!modal) { if (d.open) d.close(); return; }
    var view = modal.view;
    var form = el('form');
    form.noValidate = true;
    var title = B.text(el('div', 'modal-title'), view.title ? view.title.text : '');
    var body = el('div', 'modal-body');
    body.appendChild(B.blocks(view.blocks, ctxFor({ home: true })));
    var foot = el('div', 'modal-foot');
    var close = el('button', 'btn', view.close ? view.close.text : 'Cancel');
    close.type = 'button';
    close.dataset.testid = 'modal-close';
    close.addEventListener('click', function () { api('/api/close', { user: state.user }); });
    foot.appendChild(close);
    if (view.submit) {
      var submit = el('button', 'btn primary', view.submit.text);
      submit.type = 'submit';
      submit.dataset.testid = 'modal-submit';
      foot.appendChild(submit);
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var got = collect(form);
      var local = {};
      got.missing.forEach(function (m) { local[m[0]] = m[1]; });
      showErrors(form, local);
      if (got.missing.length) return;
      api('/api/submit', { user: state.user, viewId: modal.id, values: got.values }).then(function (r) {
        if (!r.ok) return toast(r.error);
        if (r.errors) showErrors(form, r.errors);
      }).catch(function (err) { toast(err.message); });
    });
    d.oncancel = function (e) { e.preventDefault(); api('/api/close', { user: state.user }); };
    form.append(title, body, foot);
    d.replaceChildren(form);
    if (!d.open) d.showModal();
  }

  function select(view) {
    state.view = view;
    localStorage.setItem('sdb.view', view);
    if (view === 'home') {
      state.snap && (state.snap.home = null);
      api('/api/home', { user: state.user }).catch(function (e) { toast(e.message); });
    }
    render();
  }

  function boot() {
    api('/api/bootstrap').then(function (info) {
      state.users = info.users;
      state.channels = info.channels;
      var params = new URLSearchParams(location.search);
      var saved = params.get('user') || localStorage.getItem('sdb.user');
      state.user = info.users.some(function (u) { return u.id === saved; }) ? saved : info.users[0].id;
      var picker = $('user-select');
      info.users.forEach(function (u) {
        var o = el('option', '', u.name);
        o.value = u.id;
        picker.appendChild(o);
      });
      picker.value = state.user;
      picker.addEventListener('change', function () {
        state.user = picker.value;
        localStorage.setItem('sdb.user', state.user);
        state.modalKey = '';
        if (state.view === 'home') select('home');
        refresh();
      });
      var list = $('channel-list');
      info.channels.forEach(function (c) {
        var li = el('li');
        var b = el('button', 'nav-item', '# ' + c.name);
        b.type = 'button';
        b.dataset.view = c.id;
        b.dataset.testid = 'channel-' + c.name;
        b.addEventListener('click', function () { select(c.id); });
        li.appendChild(b);
        list.appendChild(li);
      });
      $('home-link').dataset.view = 'home';
      $('home-link').addEventListener('click', function () { select('home'); });
      var link = /^#([CG][A-Z0-9]+)\/(p\d+)$/.exec(location.hash);
      if (link) state.highlight = 'msg-' + link[1] + '-' + link[2];
      var savedView = link ? link[1] : localStorage.getItem('sdb.view');
      state.view = info.channels.some(function (c) { return c.id === savedView; }) ? savedView : info.channels[0].id;
      var events = new EventSource('/api/events');
      events.onmessage = function () { refresh(); };
      refresh();
    }).catch(function (e) { toast('Console could not start: ' + e.message); });

    $('composer').addEventListener('submit', function (e) {
      e.preventDefault();
      var input = $('composer-input');
      var text = input.value.trim();
      if (!text) return;
      var isCommand = /^\/disk(\s|$)/.test(text);
      if (text.charAt(0) === '/' && !isCommand) return toast('Only /disk is installed in this workspace.');
      input.value = '';
      api(isCommand ? '/api/command' : '/api/message', { user: state.user, channel: state.view, text: text })
        .catch(function (err) { toast(err.message); });
    });
    window.addEventListener('hashchange', function () {
      var link = /^#([CG][A-Z0-9]+)\/(p\d+)$/.exec(location.hash);
      if (!link) return;
      state.highlight = 'msg-' + link[1] + '-' + link[2];
      select(link[1]);
    });
    $('composer-input').placeholder = 'Message the channel, or type /disk help';
  }
  window.SandboxConsole = { api: api, toast: toast, refresh: refresh };
  boot();
})();
`;
