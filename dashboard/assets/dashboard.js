// fabu's dashboard: reads the API's JSON routes with the token the user gives once (kept in
// sessionStorage for this tab) and fills the panels. Everything taken from the API goes into the page
// as text (textContent), never as markup.
'use strict';

(function () {
  const TOKEN_KEY = 'fabu.api_token';
  const DASHBOARD_EVERY_MS = 5000;
  const LOG_EVERY_MS = 2000;
  const LOG_ROWS = 200;
  const NEEDS_OPERATE = 'needs a token with the operate role';

  let canOperate = false;
  let lastLogId = '';
  let lastDead = [];
  let confirmingDrop = '';  // the dead letter whose Drop waits for its confirmation; kept across refreshes

  const $ = (id) => document.getElementById(id);

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

  async function api(method, path, body) {
    const headers = {};
    if (token()) headers.Authorization = 'Bearer ' + token();
    const init = { method: method, headers: headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const reply = await fetch(path, init);
    let data = null;
    try { data = await reply.json(); } catch (e) { data = null; }
    return { status: reply.status, data: data };
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === undefined || cell === null ? '' : String(cell);
      tr.appendChild(td);
    }
    return tr;
  }

  function when(ms) { return ms ? new Date(ms).toLocaleString() : '—'; }

  function setStatus(text) { $('status').textContent = text; }

  // Buttons ([label, className, onClick]) for the item `id` that need the operate role: disabled, with
  // the reason once next to them, when the token lacks it.
  function operateButtons(buttons, id) {
    const wrap = el('span');
    for (const [label, className, onClick] of buttons) {
      const button = el('button', label, className);
      button.type = 'button';
      button.dataset.id = id;
      wrap.appendChild(button);
      if (canOperate) {
        button.addEventListener('click', () => onClick(button));
      } else {
        button.disabled = true;
        button.title = NEEDS_OPERATE;
      }
    }
    if (!canOperate) wrap.appendChild(el('span', NEEDS_OPERATE, 'why'));
    return wrap;
  }

  function operateButton(label, className, id, onClick) { return operateButtons([[label, className, onClick]], id); }

  function renderQueue(queue) {
    const list = $('queue');
    clear(list);
    const names = [['intake', 'intake (not yet admitted)'], ['queued', 'queued'], ['due', 'due now'],
      ['sending', 'sending'], ['retrying', 'retrying'], ['needs_auth', 'held for re-authorisation'],
      ['scheduled', 'scheduled releases'], ['held', 'held by the privacy screen'], ['dead', 'dead letters']];
    for (const [key, label] of names) {
      if (queue[key] === undefined) continue;
      list.appendChild(el('dt', label));
      const dd = el('dd', queue[key]);
      dd.dataset.key = key;
      list.appendChild(dd);
    }
  }

  function renderLastHour(hour) {
    const body = $('last-hour');
    clear(body);
    for (const [outcome, count] of Object.entries(hour.deliveries || {})) {
      const tr = row([el('span', outcome, 'outcome-' + outcome), count]);
      tr.dataset.outcome = outcome;
      body.appendChild(tr);
    }
    for (const [event, count] of Object.entries(hour.intake || {})) body.appendChild(row(['release ' + event, count]));
    $('last-hour-note').textContent = !hour.available ? 'The log stream is off (daemon.log_stream_max = 0).'
      : hour.truncated ? 'More events than shown were logged this hour.' : '';
  }

  // Sends an operator's action for the button's item, says in `noteId` how it went, and refreshes.
  async function act(button, path, body, done, noteId) {
    button.disabled = true;
    const reply = await api('POST', path, body);
    $(noteId).textContent = reply.status >= 200 && reply.status < 300 ? done + ' ' + button.dataset.id
      : 'Refused (' + reply.status + '): ' + ((reply.data && reply.data.error) || '');
    refresh();
  }

  function deadPath(button, action) { return '/v1/dead/' + encodeURIComponent(button.dataset.id) + '/' + action; }

  function retry(button) { return act(button, deadPath(button, 'retry'), undefined, 'Queued again:', 'dead-note'); }

  // Drop asks first: the row then offers Confirm drop and Cancel in place of its buttons.
  function askDrop(button) { confirmingDrop = button.dataset.id; renderDead(lastDead); }
  function cancelDrop() { confirmingDrop = ''; renderDead(lastDead); }
  function confirmDrop(button) {
    confirmingDrop = '';
    return act(button, deadPath(button, 'drop'), undefined, 'Dropped for good (never delivered):', 'dead-note');
  }

  function deadActions(d) {
    if (canOperate && confirmingDrop === d.id) {
      const wrap = operateButtons([['Confirm drop', 'drop-confirm', confirmDrop], ['Cancel', 'drop-cancel', cancelDrop]], d.id);
      wrap.insertBefore(el('span', 'Drop for good? It is never delivered. ', 'confirm'), wrap.firstChild);
      return wrap;
    }
    return operateButtons([['Retry', 'retry', retry], ['Drop', 'drop', askDrop]], d.id);
  }

  function renderDead(dead) {
    lastDead = dead;
    const body = $('dead');
    clear(body);
    for (const d of dead) {
      const tr = row([d.id, d.release, d.channel + ' / ' + d.destination, d.attempt, d.last_error, deadActions(d)]);
      tr.dataset.id = d.id;
      body.appendChild(tr);
    }
    if (dead.length === 0) body.appendChild(row(['no dead letters']));
  }

  function retract(button) {
    const reason = $('retract-reason').value.trim();
    if (!reason) {
      $('releases-note').textContent = 'Give a reason for the retraction first.';
      return;
    }
    return act(button, '/v1/releases/' + encodeURIComponent(button.dataset.id) + '/retract', { reason: reason },
      'Retracting', 'releases-note');
  }

  function renderReleases(releases) {
    const body = $('releases');
    clear(body);
    for (const r of releases) {
      const live = r.state === 'live';
      const action = live ? operateButton('Retract', 'retract', r.id, retract) : el('span', '', 'why');
      const tr = row([r.id, r.revision, el('span', r.state || 'unknown', 'state-' + (r.state || 'unknown')),
        when(r.admitted_ms), when(r.first_out_ms), action]);
      tr.dataset.release = r.id;
      body.appendChild(tr);
    }
    if (releases.length === 0) body.appendChild(row(['no release in the log yet']));
  }

  function renderReauth(accounts) {
    const list = $('reauth');
    clear(list);
    for (const a of accounts) {
      const item = el('li', a.channel + ' / ' + a.account + ': ' + a.state + ' (' + a.reason + ')' +
        (a.held ? ', ' + a.held + ' held' : ''));
      item.dataset.account = a.account;
      list.appendChild(item);
    }
    if (accounts.length === 0) list.appendChild(el('li', 'none: every token works'));
  }

  function renderInspection(inspection) {
    $('inspection-worst').textContent = '(' + inspection.worst + ')';
    $('inspection-worst').className = 'verdict-' + inspection.worst;
    const body = $('inspection');
    clear(body);
    for (const f of inspection.findings) {
      body.appendChild(row([f.check, f.channel + ' / ' + f.target, el('span', f.verdict, 'verdict-' + f.verdict), f.detail]));
    }
  }

  function sparkline(points) {
    const ns = 'http://www.w3.org/2000/svg';
    const width = 120, height = 24;
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    if (points.length > 0) {
      const xs = points.map((p) => Number(p[0])), ys = points.map((p) => Number(p[1]));
      const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
      const sx = (x) => (x1 === x0 ? width / 2 : ((x - x0) / (x1 - x0)) * (width - 2) + 1);
      const sy = (y) => (y1 === y0 ? height / 2 : height - 1 - ((y - y0) / (y1 - y0)) * (height - 2));
      const line = document.createElementNS(ns, 'polyline');
      line.setAttribute('points', points.map((p, i) => sx(xs[i]).toFixed(1) + ',' + sy(ys[i]).toFixed(1)).join(' '));
      svg.appendChild(line);
      const last = document.createElementNS(ns, 'circle');  // the newest reading, visible even when it is the only one
      last.setAttribute('cx', sx(xs[xs.length - 1]).toFixed(1));
      last.setAttribute('cy', sy(ys[ys.length - 1]).toFixed(1));
      last.setAttribute('r', '2');
      svg.appendChild(last);
    }
    return svg;
  }

  function renderFollowers(followers) {
    const list = $('followers');
    clear(list);
    for (const f of followers) {
      const item = el('li');
      item.appendChild(sparkline(f.points));
      const last = f.points.length ? f.points[f.points.length - 1][1] : null;
      item.appendChild(el('span', f.channel + ' / ' + f.account + ': ' + (last === null ? 'no readings yet' : last + ' followers')));
      list.appendChild(item);
    }
    if (followers.length === 0) list.appendChild(el('li', 'no accounts'));
  }

  // Every fabud on this Redis (fabuctl instances) with the lanes it owns; a note when running instances
  // report different versions.
  function renderInstances(instances) {
    const body = $('instances');
    clear(body);
    const running = new Set();
    for (const i of instances) {
      const version = i.version ? i.version + (i.revision && i.revision !== 'unknown' ? ' (' + i.revision + ')' : '') : '?';
      if (i.state === 'running') running.add(version);
      const tr = row([i.name, el('span', i.state, 'state-' + i.state), version, i.host || '—', when(i.seen_ms),
                      String(i.lanes || 0)]);
      tr.dataset.state = i.state;
      tr.dataset.pid = String(i.pid);
      body.appendChild(tr);
    }
    if (instances.length === 0) body.appendChild(row(['no instance has announced itself']));
    $('instances-note').textContent = running.size > 1
      ? running.size + ' versions are running: an upgrade is under way, or an instance was left behind.' : '';
  }

  // Without data nothing stays on the page, and no button stays enabled.
  function clearPanels() {
    canOperate = false;
    for (const id of ['queue', 'last-hour', 'dead', 'releases', 'reauth', 'inspection', 'followers', 'instances']) clear($(id));
  }

  async function refresh() {
    let reply;
    try { reply = await api('GET', '/v1/dashboard'); } catch (e) { setStatus('fabud does not answer: ' + e); return; }
    if (reply.status === 401) {
      clearPanels();
      setStatus('Enter an API token (role read or operate) to see the dashboard.');
      return;
    }
    if (reply.status !== 200 || !reply.data) {
      clearPanels();
      setStatus('GET /v1/dashboard answered ' + reply.status + ': ' + ((reply.data && reply.data.error) || ''));
      return;
    }
    const d = reply.data;
    canOperate = d.can_operate === true;
    $('instance').textContent = d.instance;
    setStatus('Updated ' + when(d.now_ms) + (canOperate ? '; this token may retry, drop and retract.'
      : '; this token may only read: Retry, Drop and Retract ' + NEEDS_OPERATE + '.'));
    renderQueue(d.queue);
    renderLastHour(d.last_hour);
    renderDead(d.dead);
    renderReleases(d.releases);
    renderReauth(d.reauth);
    renderInspection(d.inspection);
    renderFollowers(d.followers);
    renderInstances(d.instances || []);
  }

  function detailOf(line) {
    const parts = [];
    for (const key of ['error', 'detail', 'action', 'reason', 'note', 'url', 'by']) {
      if (line[key] !== undefined && line[key] !== '') parts.push(key + ': ' + (typeof line[key] === 'string' ? line[key] : JSON.stringify(line[key])));
    }
    return parts.join('; ');
  }

  async function pollLog() {
    let reply;
    try {
      reply = await api('GET', '/v1/log?limit=100' + (lastLogId ? '&after=' + encodeURIComponent(lastLogId) : ''));
    } catch (e) { return; }
    if (reply.status !== 200 || !reply.data) return;
    const body = $('log');
    for (const entry of reply.data.entries) {
      lastLogId = entry.id;
      const line = typeof entry.line === 'object' && entry.line !== null ? entry.line : { detail: String(entry.line) };
      const where = line.channel ? line.channel + ' / ' + (line.destination || '') : '';
      const tr = row([when(Number(entry.id.split('-')[0])), line.event, line.release, where,
        el('span', line.outcome || '', 'outcome-' + (line.outcome || '')), detailOf(line)]);
      tr.dataset.release = line.release || '';
      tr.dataset.event = line.event || '';
      tr.dataset.outcome = line.outcome || '';
      body.insertBefore(tr, body.firstChild);
    }
    while (body.children.length > LOG_ROWS) body.removeChild(body.lastChild);
  }

  function start() {
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token-input').value.trim();
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      $('token-input').value = '';
      refresh();
      pollLog();
    });
    $('token-forget').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      refresh();
    });
    refresh();
    pollLog();
    setInterval(refresh, DASHBOARD_EVERY_MS);
    setInterval(pollLog, LOG_EVERY_MS);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
