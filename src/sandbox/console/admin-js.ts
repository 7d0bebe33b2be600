/**
 * The browser-side admin panel (served as /assets/admin.js): what happens outside the bot's reach
 * in a real cloud. It injects ECS faults (throttling, 5xx, latency), crashes, stops and recovers
 * instances, and formats/mounts a file system on an instance, all through the emulator's admin
 * API, so the single-node file-system guard and failover can be tried by hand.
 */
export const ADMIN_JS = String.raw`'use strict';
(function () {
  var el = window.SlackBlocks.el, C = window.SandboxConsole;
  var panel = document.getElementById('admin');
  var toggle = document.getElementById('admin-toggle');
  var ACTIONS = ['*', 'CreateDisk', 'AttachDisk', 'DetachDisk', 'DescribeDisks', 'DescribeInstances', 'RunCommand',
    'DescribeInvocationResults'];
  var FS_TYPES = ['ext4', 'xfs', 'btrfs', 'ocfs2', 'gfs2'];
  var timer = 0;

  function button(text, onClick, style) {
    var b = el('button', 'btn' + (style ? ' ' + style : ''), text);
    b.type = 'button';
    b.addEventListener('click', function () {
      b.disabled = true;
      Promise.resolve(onClick()).then(load, function (e) { C.toast(e.message); }).finally(function () { b.disabled = false; });
    });
    return b;
  }
  function numberInput(placeholder, max) {
    var i = el('input');
    i.type = 'number';
    i.min = '0';
    i.max = String(max);
    i.placeholder = placeholder;
    i.title = placeholder;
    return i;
  }
  function selectOf(values, labels) {
    var s = el('select');
    values.forEach(function (v, i) { var o = el('option', '', labels ? labels[i] : v); o.value = v; s.appendChild(o); });
    return s;
  }

  function faultsSection(faults) {
    var box = el('div', 'card');
    var action = selectOf(ACTIONS, ACTIONS.map(function (a) { return a === '*' ? 'every action' : a; }));
    var throttle = numberInput('throttle %', 100), errors = numberInput('5xx %', 100), latency = numberInput('+ms', 2500);
    var row = el('div', 'row');
    row.append(action, throttle, errors, latency, button('Apply', function () {
      var next = Object.assign({}, faults);
      var rule = {};
      if (throttle.value) rule.throttleRate = Number(throttle.value) / 100;
      if (errors.value) rule.unavailableRate = Number(errors.value) / 100;
      if (latency.value) rule.addedLatencyMs = Number(latency.value);
      if (Object.keys(rule).length) next[action.value] = rule; else delete next[action.value];
      return C.api('/api/admin/faults', next);
    }, 'primary'), button('Clear all', function () { return C.api('/api/admin/faults', {}); }));
    box.appendChild(row);
    var keys = Object.keys(faults);
    box.appendChild(el('div', 'muted', keys.length ? keys.map(function (k) {
      var f = faults[k], parts = [];
      if (f.throttleRate) parts.push('throttle ' + Math.round(f.throttleRate * 100) + '%');
      if (f.unavailableRate) parts.push('503 ' + Math.round(f.unavailableRate * 100) + '%');
      if (f.internalErrorRate) parts.push('500 ' + Math.round(f.internalErrorRate * 100) + '%');
      if (f.addedLatencyMs) parts.push('+' + f.addedLatencyMs + ' ms');
      return (k === '*' ? 'every action' : k) + ': ' + parts.join(', ');
    }).join(' \u00b7 ') : 'No faults: every call succeeds.'));
    return box;
  }

  function mountText(state, instanceId, diskId) {
    var m = state.mounts.filter(function (x) { return x.instanceId === instanceId && x.diskId === diskId; })[0];
    return m ? (m.fstype || '?') + ' at ' + m.mountpoints.join(', ') + (m.readOnly ? ' (ro)' : ' (rw)') : 'not mounted';
  }
  function diskCard(state, disk, names) {
    var box = el('div', 'card');
    box.dataset.diskId = disk.diskId;
    box.appendChild(el('div', '', disk.diskId + ' \u00b7 ' + disk.name + ' \u00b7 ' + disk.size + ' GiB \u00b7 ' + disk.status +
      ' \u00b7 multi-attach ' + disk.multiAttach + ' \u00b7 fs ' + (disk.fstype || 'none')));
    disk.attachments.forEach(function (a) {
      box.appendChild(el('div', 'muted', '\u21b3 ' + (names[a.instanceId] || a.instanceId) + ' ' + a.instanceId + ': ' +
        mountText(state, a.instanceId, disk.diskId)));
    });
    if (!disk.attachments.length) return box;
    var ids = disk.attachments.map(function (a) { return a.instanceId; });
    var instance = selectOf(ids, ids.map(function (id) { return names[id] || id; }));
    var fstype = selectOf(FS_TYPES);
    if (disk.fstype) fstype.value = disk.fstype;
    var point = el('input');
    point.value = '/data';
    point.size = 8;
    var ro = el('input');
    ro.type = 'checkbox';
    var roLabel = el('label', '', ' ro');
    roLabel.prepend(ro);
    var row = el('div', 'row');
    row.append(instance, fstype, point, roLabel, button('Format & mount', function () {
      return C.api('/api/admin/filesystem', { instanceId: instance.value, diskId: disk.diskId, fstype: fstype.value,
        mountpoints: [point.value], readOnly: ro.checked });
    }), button('Unmount', function () {
      return C.api('/api/admin/filesystem', { instanceId: instance.value, diskId: disk.diskId, mountpoints: [], readOnly: false });
    }));
    box.appendChild(row);
    return box;
  }

  function instanceTable(state) {
    var table = el('table');
    var head = el('tr');
    ['instance', 'zone', 'state', ''].forEach(function (h) { head.appendChild(el('th', '', h)); });
    table.appendChild(head);
    state.instances.forEach(function (i) {
      var tr = el('tr');
      tr.dataset.instanceId = i.instanceId;
      var who = el('td');
      who.append(el('div', '', i.name), el('div', 'muted', i.instanceId));
      var status = i.status + (i.crashed ? ' \u00b7 crashed' : '');
      var verbs = el('td');
      var go = function (verb) { return function () { return C.api('/api/admin/instances/' + i.instanceId + '/' + verb, {}); }; };
      verbs.append(i.crashed ? button('Recover', go('recover')) : button('Crash', go('crash'), 'danger'),
        document.createTextNode(' '), i.status === 'Running' ? button('Stop', go('stop')) : button('Start', go('start')));
      tr.append(who, el('td', '', i.zoneId.replace('cn-hangzhou-', 'zone ')), el('td', '', status), verbs);
      table.appendChild(tr);
    });
    return table;
  }

  function render(state) {
    var names = {};
    state.instances.forEach(function (i) { names[i.instanceId] = i.name; });
    var frag = document.createDocumentFragment();
    var top = el('div', 'row');
    top.append(el('strong', '', 'ECS emulator (' + state.regionId + ')'), button('Refresh', function () {}));
    frag.appendChild(top);
    frag.appendChild(el('h2', '', 'Faults'));
    frag.appendChild(faultsSection(state.faults || {}));
    frag.appendChild(el('h2', '', 'Disks and file systems'));
    state.disks.forEach(function (d) { frag.appendChild(diskCard(state, d, names)); });
    frag.appendChild(el('h2', '', 'Instances'));
    frag.appendChild(instanceTable(state));
    panel.replaceChildren(frag);
  }

  function load() {
    return C.api('/api/admin/state').then(render, function (e) { C.toast('Admin: ' + e.message); });
  }
  // Polls while open, but never redraws under the user's cursor mid-edit.
  function poll() {
    if (!panel.contains(document.activeElement) || document.activeElement.tagName === 'BUTTON') load();
  }
  toggle.addEventListener('click', function () {
    panel.hidden = !panel.hidden;
    toggle.textContent = panel.hidden ? 'Cloud admin \u25b8' : 'Cloud admin \u25be';
    clearInterval(timer);
    if (!panel.hidden) { load(); timer = setInterval(poll, 3000); }
  });
})();
`;
