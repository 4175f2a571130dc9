// The SIGNL4 emulator's web console: one self-contained HTML page (no framework, no external resources) that lists
// the alerts and acts on them as the SIGNL4 app would. Everything it shows comes from `/_emulator/signl4/…`; all
// alert content is inserted as text (never as HTML), since alert titles and texts come from arbitrary senders.

export function consoleHtml(): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SIGNL4 emulator console</title>
<style>
:root { --bg:#f4f5f7; --card:#fff; --ink:#1d2430; --muted:#6b7280; --line:#e3e6ea; --accent:#f7941d; --new:#d93b3b; --ack:#e59a0b; --closed:#2f9e5b; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--ink); }
header { display:flex; align-items:center; gap:16px; padding:12px 20px; background:#1d2430; color:#fff; }
header h1 { font-size:16px; margin:0; font-weight:600; letter-spacing:.2px; }
header .dot { width:12px; height:12px; border-radius:50%; background:var(--accent); box-shadow:0 0 0 4px rgba(247,148,29,.25); }
header .spacer { flex:1; }
header label { color:#c9ced6; font-size:12px; }
header select { margin-left:6px; padding:4px 6px; border-radius:6px; border:0; }
.counts span { margin-left:10px; font-size:12px; padding:2px 8px; border-radius:10px; background:#2c3545; }
main { display:grid; grid-template-columns:minmax(320px,420px) 1fr; gap:16px; padding:16px 20px; }
.panel { background:var(--card); border:1px solid var(--line); border-radius:10px; overflow:hidden; }
.panel h2 { margin:0; padding:10px 14px; font-size:13px; text-transform:uppercase; letter-spacing:.6px; color:var(--muted); border-bottom:1px solid var(--line); display:flex; align-items:center; gap:8px; }
.panel h2 .right { margin-left:auto; text-transform:none; letter-spacing:0; }
#alerts { max-height:calc(100vh - 150px); overflow:auto; }
.alert { padding:10px 14px; border-bottom:1px solid var(--line); cursor:pointer; border-left:4px solid transparent; }
.alert:hover { background:#fafbfc; }
.alert.selected { background:#fff7ec; border-left-color:var(--accent); }
.alert .title { font-weight:600; margin:3px 0; }
.alert .meta { color:var(--muted); font-size:12px; word-break:break-all; }
.pill { display:inline-block; font-size:11px; font-weight:600; padding:1px 8px; border-radius:9px; color:#fff; text-transform:capitalize; }
.pill.new { background:var(--new); } .pill.acknowledged { background:var(--ack); } .pill.closed { background:var(--closed); }
.pill.scenario { background:#5b6472; text-transform:none; }
#detail { padding:16px 18px; }
#detail .empty { color:var(--muted); padding:40px 0; text-align:center; }
#detail h3 { margin:6px 0 4px; font-size:18px; }
pre.text { white-space:pre-wrap; word-break:break-word; background:#f8f9fb; border:1px solid var(--line); border-radius:8px; padding:10px 12px; font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; max-height:360px; overflow:auto; }
table { border-collapse:collapse; width:100%; font-size:13px; }
td { border-top:1px solid var(--line); padding:5px 6px; vertical-align:top; word-break:break-word; }
td:first-child { color:var(--muted); width:34%; }
.actions { display:flex; flex-wrap:wrap; gap:8px; margin:12px 0; }
button { border:1px solid var(--line); background:#fff; padding:7px 14px; border-radius:7px; cursor:pointer; font:inherit; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; font-weight:600; }
button.good { background:var(--closed); border-color:var(--closed); color:#fff; font-weight:600; }
button:disabled { opacity:.45; cursor:not-allowed; }
textarea { width:100%; min-height:60px; border:1px solid var(--line); border-radius:8px; padding:8px; font:inherit; }
.timeline div { padding:6px 0; border-top:1px dashed var(--line); font-size:13px; }
.timeline .who { font-weight:600; } .timeline .when { color:var(--muted); font-size:12px; margin-left:6px; }
.section { margin-top:16px; } .section > b { display:block; margin-bottom:6px; font-size:12px; text-transform:uppercase; letter-spacing:.5px; color:var(--muted); }
#outbound { margin:0 20px 20px; }
#outbound .body { padding:10px 14px; font-size:12px; }
.mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.ok { color:var(--closed); } .bad { color:var(--new); }
#toast { position:fixed; bottom:16px; right:16px; background:#1d2430; color:#fff; padding:10px 14px; border-radius:8px; display:none; max-width:420px; }
</style>
</head>
<body>
<header>
  <div class="dot"></div><h1>SIGNL4 emulator</h1><span id="team" style="color:#c9ced6"></span>
  <div class="counts" id="counts"></div>
  <div class="spacer"></div>
  <label>Acting as<select id="user"></select></label>
</header>
<main>
  <section class="panel"><h2>Alerts <span class="right" id="refreshed"></span></h2><div id="alerts"></div></section>
  <section class="panel"><h2>Alert</h2><div id="detail"><div class="empty">Select an alert on the left.</div></div></section>
</main>
<section class="panel" id="outbound"><h2>Outbound webhooks <span class="right mono" id="held"></span></h2><div class="body" id="outboundBody"></div></section>
<div id="toast"></div>
<script>
const base = location.pathname.replace(/\\/console$/, '');
let selected = null; let alerts = []; let info = null;
const el = (tag, props = {}, ...children) => { const node = document.createElement(tag); Object.assign(node, props); for (const child of children) node.append(child ?? ''); return node; };
const when = (iso) => iso ? new Date(iso).toLocaleString() : '';
function toast(message, bad) { const t = document.getElementById('toast'); t.textContent = message; t.style.background = bad ? '#a32525' : '#1d2430'; t.style.display = 'block'; clearTimeout(toast.timer); toast.timer = setTimeout(() => t.style.display = 'none', 3500); }
async function call(method, path, body) {
  const response = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || ('HTTP ' + response.status));
  return data;
}
function user() { return document.getElementById('user').value; }
async function act(path, body, done) { try { await call('POST', path, Object.assign({ user: user() }, body || {})); toast(done); await refresh(); } catch (e) { toast(e.message, true); } }
function renderList() {
  const list = document.getElementById('alerts'); list.replaceChildren();
  if (!alerts.length) list.append(el('div', { className: 'alert', textContent: 'No alerts yet. Send one from n8n (SIGNL4 On-Call → Send).' }));
  for (const a of alerts) {
    const row = el('div', { className: 'alert' + (a.id === selected ? ' selected' : ''), onclick: () => { selected = a.id; renderList(); renderDetail(); } },
      el('div', {}, el('span', { className: 'pill ' + a.statusName, textContent: a.statusName }), ' ', el('span', { className: 'meta', textContent: when(a.created) })),
      el('div', { className: 'title', textContent: a.title }),
      el('div', { className: 'meta mono', textContent: a.externalId || '(no external ID)' }));
    list.append(row);
  }
  const c = { new: 0, acknowledged: 0, closed: 0 }; alerts.forEach((a) => c[a.statusName] = (c[a.statusName] || 0) + 1);
  document.getElementById('counts').replaceChildren(...Object.entries(c).map(([k, v]) => el('span', { textContent: v + ' ' + k })));
}
function renderDetail() {
  const box = document.getElementById('detail'); const a = alerts.find((x) => x.id === selected);
  if (!a) { box.replaceChildren(el('div', { className: 'empty', textContent: 'Select an alert on the left.' })); return; }
  const params = el('table'); for (const p of a.parameters || []) params.append(el('tr', {}, el('td', { textContent: p.name }), el('td', { textContent: p.value })));
  const note = el('textarea', { placeholder: 'Annotation, e.g. "On it, checking the host."' });
  const timeline = el('div', { className: 'timeline' });
  for (const n of a.annotations) timeline.append(el('div', {}, el('span', { className: 'who', textContent: n.userName || 'API' }), el('span', { className: 'when', textContent: when(n.timestamp) }), el('div', { textContent: n.text })));
  if (!a.annotations.length) timeline.append(el('div', { className: 'meta', textContent: 'No annotations.' }));
  box.replaceChildren(
    el('div', {}, el('span', { className: 'pill ' + a.statusName, textContent: a.statusName }), ' ', el('span', { className: 'pill scenario', textContent: a.scenario }), ' ', el('span', { className: 'meta', textContent: a.category })),
    el('h3', { textContent: a.title }),
    el('div', { className: 'meta mono', textContent: 'alert ' + a.id }),
    el('div', { className: 'meta mono', textContent: 'external ID ' + (a.externalId || '(none)') }),
    el('div', { className: 'actions' },
      el('button', { className: 'primary', textContent: 'Acknowledge', disabled: a.statusName === 'closed' || (a.statusName === 'acknowledged' && a.scenario !== 'multi_ack'), onclick: () => act('/alerts/' + encodeURIComponent(a.id) + '/acknowledge', null, 'Acknowledged') }),
      el('button', { className: 'good', textContent: 'Close', disabled: a.statusName === 'closed', onclick: () => act('/alerts/' + encodeURIComponent(a.id) + '/close', null, 'Closed') }),
      el('button', { textContent: 'Undo acknowledge', disabled: a.statusName !== 'acknowledged', onclick: () => act('/alerts/' + encodeURIComponent(a.id) + '/undo-acknowledge', null, 'Acknowledgement undone') }),
      el('button', { textContent: 'Escalate', disabled: a.statusName !== 'new', onclick: () => act('/alerts/' + encodeURIComponent(a.id) + '/escalate', null, 'Escalated') })),
    el('pre', { className: 'text', textContent: a.text || '(no text)' }),
    el('div', { className: 'section' }, el('b', { textContent: 'Parameters' }), params),
    el('div', { className: 'section' }, el('b', { textContent: 'Attachments' }), el('div', { className: 'meta', textContent: a.attachments.length ? a.attachments.map((f) => f.name + ' (' + f.contentType + ', ' + Math.round(f.size / 1024) + ' KB)').join(', ') : 'None.' })),
    el('div', { className: 'section' }, el('b', { textContent: 'Annotations' }), timeline, note, el('div', { className: 'actions' }, el('button', { textContent: 'Annotate', onclick: () => { if (note.value.trim()) act('/alerts/' + encodeURIComponent(a.id) + '/annotate', { text: note.value.trim() }, 'Annotation added'); } }))),
    el('div', { className: 'section meta' }, 'Created ' + when(a.created) + (a.acknowledgedBy.length ? ' · acknowledged by ' + a.acknowledgedBy.join(', ') : '') + (a.closedByName ? ' · closed by ' + a.closedByName : '')));
}
async function renderOutbound() {
  const [outbound, deliveries] = await Promise.all([call('GET', '/outbound'), call('GET', '/outbound/deliveries')]);
  document.getElementById('held').textContent = outbound.heldCount ? outbound.heldCount + ' held' : '';
  const body = document.getElementById('outboundBody'); body.replaceChildren();
  if (!outbound.targets.length) body.append(el('div', { className: 'meta', textContent: 'No outbound webhook yet. Activate a workflow with the SIGNL4 On-Call Trigger (automatic registration), or add its URL: POST ' + base + '/outbound/targets {"url": "…"}' }));
  for (const t of outbound.targets) body.append(el('div', { className: 'mono', textContent: '→ ' + t.url + (t.basicAuth ? '  (basic auth)' : '') + (t.headers ? '  (headers)' : '') + (t.enabled ? '' : '  [disabled]') }));
  const recent = deliveries.value.slice(-12).reverse();
  for (const d of recent) body.append(el('div', { className: 'mono ' + (d.status >= 200 && d.status < 300 ? 'ok' : 'bad'), textContent: new Date(d.at).toLocaleTimeString() + '  event ' + d.eventType + '  ' + (d.status || d.error) + '  id ' + d.callbackId + (d.copy ? '  (duplicate)' : '') + (d.attempt > 1 ? '  (retry ' + d.attempt + ')' : '') }));
}
async function refresh() {
  try {
    if (!info) { info = await call('GET', ''); document.getElementById('team').textContent = info.team.name; document.getElementById('user').replaceChildren(...info.users.map((u) => el('option', { value: u.id, textContent: u.name + (u.onDuty ? '' : ' (off duty)') }))); }
    alerts = (await call('GET', '/alerts')).value;
    if (!selected && alerts.length) selected = alerts[0].id;
    renderList(); renderDetail(); await renderOutbound();
    document.getElementById('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) { document.getElementById('refreshed').textContent = 'emulator unreachable'; }
}
let typing = false; document.addEventListener('focusin', (e) => typing = e.target.tagName === 'TEXTAREA'); document.addEventListener('focusout', () => typing = false);
refresh(); setInterval(() => { if (!typing) refresh(); }, 2000);
</script>
</body>
</html>`;
}
