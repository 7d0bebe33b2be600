/**
 * The browser-side Block Kit renderer (plain ES2020, served as /assets/blocks.js). Text from Block
 * Kit is untrusted: every node is built with createElement and filled with textContent, links are
 * kept only for http(s) URLs, and nothing is ever assigned to innerHTML.
 *
 * It renders what the bot sends: header, section (text, fields, button accessory), context,
 * actions (buttons with style and confirm), divider, input (plain_text_input, number_input,
 * static_select) and mrkdwn (code blocks, inline code, bold/italic/strike, links, user and
 * channel mentions, special mentions, <!date^…> and common emoji). Anything else is shown as
 * "unsupported" so a new block type is noticed, not dropped.
 */
export const BLOCKS_JS = String.raw`'use strict';
(function () {
  // Emoji are drawn as small badges from plain symbols, so they look the same with or without an
  // emoji font (headless Chromium on a server has none). Keyed by Slack name; UNICODE maps the
  // characters the bot writes directly onto the same names.
  var EMOJI = {
    white_check_mark: ['\u2713', 'green'], heavy_check_mark: ['\u2713', 'plain'], x: ['\u2717', 'red'],
    warning: ['!', 'yellow'], rotating_light: ['!', 'red'], no_entry: ['\u2013', 'red round'],
    hourglass_flowing_sand: ['\u25f7', 'blue'], gear: ['\u2699', 'grey'], no_entry_sign: ['\u2298', 'red'],
    alarm_clock: ['\u25f7', 'red'], heavy_multiplication_x: ['\u2715', 'grey'], inbox_tray: ['\u2193', 'blue'],
    large_green_circle: ['', 'green round'], large_orange_circle: ['', 'orange round'], red_circle: ['', 'red round'],
    information_source: ['i', 'blue'], construction: ['!', 'orange'], grey_question: ['?', 'grey'],
    black_right_pointing_double_triangle_with_vertical_bar: ['\u00bb', 'grey'], lock: ['\u25a0', 'grey']
  };
  var UNICODE = {
    '\u2705': 'white_check_mark', '\u2714': 'heavy_check_mark', '\u274c': 'x', '\u26a0': 'warning',
    '\ud83d\udea8': 'rotating_light', '\u26d4': 'no_entry', '\u23f3': 'hourglass_flowing_sand', '\u2699': 'gear',
    '\ud83d\udeab': 'no_entry_sign', '\u23f0': 'alarm_clock', '\u2716': 'heavy_multiplication_x',
    '\ud83d\udce5': 'inbox_tray', '\ud83d\udfe2': 'large_green_circle', '\ud83d\udfe0': 'large_orange_circle',
    '\ud83d\udd34': 'red_circle', '\u2139': 'information_source', '\ud83d\udea7': 'construction', '\u2754': 'grey_question',
    '\u23ed': 'black_right_pointing_double_triangle_with_vertical_bar', '\ud83d\udd12': 'lock'
  };
  var EMOJI_RE = /:([a-z0-9_+-]+):|(\p{Extended_Pictographic})\ufe0f?/gu;
  var FENCE = '\x60\x60\x60';

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function decode(text) {
    return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  // Appends text, turning known emoji (by :name: or character) into badges.
  function appendText(parent, value) {
    var str = String(value), last = 0, m;
    EMOJI_RE.lastIndex = 0;
    while ((m = EMOJI_RE.exec(str))) {
      var name = m[1] || UNICODE[m[2]];
      var spec = name && Object.prototype.hasOwnProperty.call(EMOJI, name) ? EMOJI[name] : null;
      if (!spec) continue;
      if (m.index > last) parent.appendChild(document.createTextNode(str.slice(last, m.index)));
      var badge = el('span', 'emoji ' + spec[1], spec[0]);
      badge.title = ':' + name + ':';
      parent.appendChild(badge);
      last = m.index + m[0].length;
    }
    if (last < str.length) parent.appendChild(document.createTextNode(str.slice(last)));
    return parent;
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function formatDate(seconds, format) {
    var d = new Date(seconds * 1000);
    var time = pad(d.getHours()) + ':' + pad(d.getMinutes());
    var today = new Date();
    var sameDay = d.toDateString() === today.toDateString();
    var short = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
    var long = d.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
    var map = {
      date_num: d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()),
      date: d.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric' }),
      date_short: short, date_long: long,
      date_pretty: sameDay ? 'Today' : d.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric' }),
      date_short_pretty: sameDay ? 'Today' : short,
      date_long_pretty: sameDay ? 'Today' : long,
      time: time, time_secs: time + ':' + pad(d.getSeconds()),
      ago: Math.max(0, Math.round((Date.now() - d.getTime()) / 60000)) + ' minutes ago'
    };
    return format.replace(/\{([a-z_]+)\}/g, function (all, key) { return map[key] || all; });
  }

  // One <…> construct of Slack's mrkdwn: mentions, channels, dates, links.
  function special(token, parent, ctx) {
    var bar = token.indexOf('|');
    var head = bar < 0 ? token : token.slice(0, bar);
    var label = bar < 0 ? '' : decode(token.slice(bar + 1));
    if (/^@[UW][A-Z0-9]+$/.test(head)) {
      parent.appendChild(el('span', 'mention', '@' + ctx.userName(head.slice(1))));
    } else if (/^#[CG][A-Z0-9]+$/.test(head)) {
      parent.appendChild(el('span', 'mention', '#' + (label || ctx.channelName(head.slice(1)))));
    } else if (/^!date\^\d+\^/.test(head)) {
      var parts = head.split('^');
      var span = el('span', 'slack-date', formatDate(Number(parts[1]), decode(parts[2] || '{date}')));
      if (label) span.title = label;
      parent.appendChild(span);
    } else if (/^!(here|channel|everyone)$/.test(head)) {
      parent.appendChild(el('span', 'mention', '@' + head.slice(1)));
    } else if (/^!subteam\^/.test(head)) {
      parent.appendChild(el('span', 'mention', label || '@group'));
    } else if (/^https?:\/\//i.test(head)) {
      var a = el('a', '', label || decode(head));
      a.href = decode(head);
      if (head.indexOf(location.origin) !== 0) { a.target = '_blank'; a.rel = 'noopener noreferrer'; }
      parent.appendChild(a);
    } else {
      parent.appendChild(document.createTextNode(decode('<' + token + '>')));
    }
  }

  // *bold*, _italic_, ~strike~ only at word boundaries, as Slack does (so cloud_essd stays plain).
  var STYLE = /(^|[^\w*_~])([*_~])(?=\S)([^\n]*?\S)\2(?![\w*_~])/;
  var STYLE_TAG = { '*': 'b', '_': 'i', '~': 's' };
  function styled(text, parent) {
    var rest = text;
    while (rest) {
      var m = STYLE.exec(rest);
      if (!m) { appendText(parent, decode(rest)); return; }
      var before = rest.slice(0, m.index) + m[1];
      if (before) appendText(parent, decode(before));
      var node = el(STYLE_TAG[m[2]]);
      styled(m[3], node);
      parent.appendChild(node);
      rest = rest.slice(m.index + m[0].length);
    }
  }
  function angled(text, parent, ctx) {
    var re = /<([^<>\n]+)>/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) styled(text.slice(last, m.index), parent);
      special(m[1], parent, ctx);
      last = m.index + m[0].length;
    }
    if (last < text.length) styled(text.slice(last), parent);
  }
  function inline(text, parent, ctx) {
    var re = /\x60([^\x60\n]+)\x60/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) angled(text.slice(last, m.index), parent, ctx);
      parent.appendChild(el('code', '', decode(m[1])));
      last = m.index + m[0].length;
    }
    if (last < text.length) angled(text.slice(last), parent, ctx);
  }
  function mrkdwn(text, ctx) {
    var root = el('div', 'mrkdwn');
    var parts = String(text).split(FENCE);
    for (var i = 0; i < parts.length; i++) {
      var closed = i < parts.length - 1;
      if (i % 2 === 1 && closed) root.appendChild(el('pre', 'code-block', decode(parts[i]).replace(/^\n/, '')));
      else inline((i % 2 === 1 ? FENCE : '') + parts[i], root, ctx);
    }
    return root;
  }
  function textObject(obj, ctx) {
    if (!obj) return el('span');
    if (obj.type === 'mrkdwn') return mrkdwn(obj.text || '', ctx);
    return obj.emoji === false ? el('div', 'mrkdwn', obj.text) : appendText(el('div', 'mrkdwn'), obj.text || '');
  }

  function button(element, block, ctx) {
    var b = appendText(el('button', 'btn' + (element.style ? ' ' + element.style : '')), element.text ? element.text.text : '');
    b.type = 'button';
    b.dataset.actionId = element.action_id || '';
    b.addEventListener('click', function () {
      var go = element.confirm ? ctx.confirm(element.confirm, element.style) : Promise.resolve(true);
      go.then(function (ok) {
        if (!ok) return;
        b.disabled = true;
        ctx.onAction({ actionId: element.action_id || '', blockId: block.block_id || '', value: element.value || '',
          text: element.text ? element.text.text : '' }).finally(function () { b.disabled = false; });
      });
    });
    return b;
  }
  function element(element, block, ctx) {
    if (element.type === 'button') return button(element, block, ctx);
    if (element.type === 'mrkdwn' || element.type === 'plain_text') return textObject(element, ctx);
    if (element.type === 'image') return el('span', 'muted', '[' + (element.alt_text || 'image') + ']');
    return el('span', 'unsupported', 'Unsupported element: ' + element.type);
  }

  // Modal inputs: the control carries what view_submission needs (block, action, type).
  function inputControl(block, ctx) {
    var e = block.element || {};
    var control;
    if (e.type === 'plain_text_input') {
      control = el(e.multiline ? 'textarea' : 'input');
      if (e.initial_value) control.value = e.initial_value;
      if (e.max_length) control.maxLength = e.max_length;
      if (e.min_length) control.dataset.minLength = e.min_length;
    } else if (e.type === 'number_input') {
      control = el('input');
      control.type = 'number';
      if (e.min_value) control.min = e.min_value;
      if (e.max_value) control.max = e.max_value;
      control.step = e.is_decimal_allowed ? 'any' : '1';
      if (e.initial_value) control.value = e.initial_value;
    } else if (e.type === 'static_select') {
      control = el('select');
      var blank = el('option', '', (e.placeholder && e.placeholder.text) || 'Select an option');
      blank.value = '';
      control.appendChild(blank);
      (e.options || []).forEach(function (o) {
        var opt = el('option', '', o.text.text);
        opt.value = o.value;
        if (e.initial_option && e.initial_option.value === o.value) opt.selected = true;
        control.appendChild(opt);
      });
    } else {
      return el('div', 'unsupported', 'Unsupported input element: ' + e.type);
    }
    if (e.placeholder && control.tagName !== 'SELECT') control.placeholder = e.placeholder.text;
    control.dataset.blockId = block.block_id || '';
    control.dataset.actionId = e.action_id || '';
    control.dataset.type = e.type;
    control.dataset.optional = block.optional ? '1' : '';
    control.name = (block.block_id || '') + '.' + (e.action_id || '');
    if (e.type === 'static_select') control.dataset.options = JSON.stringify(e.options || []);
    return control;
  }
  function input(block, ctx) {
    var wrap = el('div', 'input-block');
    wrap.dataset.blockId = block.block_id || '';
    var label = appendText(el('label'), block.label ? block.label.text : '');
    if (block.optional) label.appendChild(el('span', 'optional', ' (optional)'));
    wrap.appendChild(label);
    var control = inputControl(block, ctx);
    control.id = 'input-' + (block.block_id || Math.random().toString(36).slice(2));
    label.htmlFor = control.id;
    wrap.appendChild(control);
    if (block.hint) wrap.appendChild(el('div', 'hint', block.hint.text));
    wrap.appendChild(el('div', 'error'));
    return wrap;
  }

  function block(b, ctx) {
    var node;
    switch (b.type) {
      case 'header':
        node = appendText(el('div', 'block block-header'), b.text ? b.text.text : '');
        break;
      case 'section':
        node = el('div', 'block block-section');
        var main = el('div');
        if (b.text) main.appendChild(textObject(b.text, ctx));
        if (b.fields) {
          var grid = el('div', 'section-fields');
          b.fields.forEach(function (f) { grid.appendChild(textObject(f, ctx)); });
          main.appendChild(grid);
        }
        node.appendChild(main);
        if (b.accessory) {
          node.classList.add('section-with-accessory');
          node.appendChild(element(b.accessory, b, ctx));
        }
        break;
      case 'context':
        node = el('div', 'block block-context');
        (b.elements || []).forEach(function (e) { node.appendChild(element(e, b, ctx)); });
        break;
      case 'actions':
        node = el('div', 'block block-actions');
        (b.elements || []).forEach(function (e) { node.appendChild(element(e, b, ctx)); });
        break;
      case 'divider':
        node = el('hr', 'block-divider');
        break;
      case 'input':
        node = input(b, ctx);
        break;
      default:
        node = el('div', 'block unsupported', 'Unsupported block: ' + b.type);
    }
    if (b.block_id) node.dataset.blockId = b.block_id;
    return node;
  }
  function blocks(list, ctx) {
    var frag = document.createDocumentFragment();
    (list || []).forEach(function (b) { frag.appendChild(block(b, ctx)); });
    return frag;
  }

  window.SlackBlocks = { blocks: blocks, mrkdwn: mrkdwn, textObject: textObject, el: el, text: appendText };
})();
`;
