/**
 * The live monitor page served at `/monitor`: no build step, no external
 * resources. It reads the admin token from its URL once, then polls
 * `/admin/rooms` every second with it as a bearer token and draws, per room,
 * its players (with kick buttons), a pair × pair matrix of paths with RTTs
 * and the NAT behaviour seen (selected candidate types, or ICE unreached),
 * relay bytes per second and time to direct, and a close button.
 *
 * @module
 */

export const MONITOR_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Handoff lobby monitor</title>
<style>
body{font:14px system-ui,sans-serif;margin:16px;background:#0f1419;color:#dde3ea}
h1{font-size:18px;margin:0 0 8px} h2{font-size:15px;margin:0 0 6px}
.room{border:1px solid #2a3441;border-radius:8px;padding:10px 12px;margin:10px 0;background:#151c24}
.meta{color:#8b98a8;font-size:12px;margin-bottom:6px}
table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #2a3441;padding:3px 6px;text-align:center;font-size:12px;min-width:54px}
th{color:#8b98a8;font-weight:normal} small{color:#b7c2cf;font-size:10px}
.direct{background:#1f5130}.turn{background:#1f3f5a}.relay{background:#5a4a1a}.unknown{background:#262d36;color:#6b7785}.self{background:#0f1419}
button{background:#2a3441;color:#dde3ea;border:1px solid #3b4757;border-radius:4px;padding:2px 8px;cursor:pointer}
button:hover{background:#3b4757} #status{color:#8b98a8;font-size:12px}
</style></head><body>
<h1>Handoff lobby monitor</h1><div id="status">connecting…</div><div id="rooms"></div>
<script>
const token = new URLSearchParams(location.search).get('token') || '';
history.replaceState(null, '', location.pathname); // keep the token out of the address bar
const headers = { authorization: 'Bearer ' + token, 'content-type': 'application/json' };
const last = new Map();
function esc(s) { return String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';'); }
async function post(path, body) { await fetch(path, { method: 'POST', headers, body: JSON.stringify(body || {}) }); poll(); }
function cell(pair, a, b) {
  if (!pair) return '<td class="unknown">?</td>';
  const i = pair.players[0] === a ? 0 : 1;
  const path = pair.paths[i] || pair.paths[1 - i];
  const rtt = pair.rttMs[i] ?? pair.rttMs[1 - i];
  const nat = pair.nat[i] || pair.nat[1 - i];
  const ends = nat && nat.local ? (nat === pair.nat[i] ? [nat.local, nat.remote] : [nat.remote, nat.local]) : [];
  const types = ends.map((end) => end || '?').join('·');
  const label = path ? path + (rtt !== undefined && rtt !== null ? '<br><span class="rtt">' + Math.round(rtt) + ' ms</span>' : '') +
    (types ? '<br><small>' + esc(types) + '</small>' : nat && nat.ice === 'unreached' ? '<br><small>ICE unreached</small>' : '') : '?';
  const title = a + ' → ' + b + (nat ? ' · ICE ' + nat.ice + (types ? ', candidates ' + types : '') : '');
  return '<td class="' + (path || 'unknown') + '" title="' + esc(title) + '">' + label + '</td>';
}
function render(rooms, dt) {
  const html = rooms.map((room) => {
    const prev = last.get(room.id);
    const rate = prev === undefined || dt <= 0 ? 0 : (room.relayBytes - prev) / dt;
    last.set(room.id, room.relayBytes);
    const ids = room.members.map((m) => m.id);
    const byKey = new Map(room.pairs.map((p) => [p.players.join('|'), p]));
    const find = (a, b) => byKey.get([a, b].sort().join('|'));
    const direct = room.pairs.filter((p) => p.paths.includes('direct')).length;
    const times = room.pairs.map((p) => p.timeToDirectMs).filter((t) => t !== undefined && t !== null).sort((x, y) => x - y);
    const head = '<tr><th></th>' + room.members.map((m) => '<th>' + esc(m.name) + '</th>').join('') + '</tr>';
    const rows = room.members.map((m) =>
      '<tr><th>' + esc(m.name) + ' <button data-kick="' + esc(m.id) + '">kick</button></th>' +
      ids.map((other) => other === m.id ? '<td class="self"></td>' : cell(find(m.id, other), m.id, other)).join('') + '</tr>').join('');
    return '<div class="room" data-room="' + esc(room.id) + '"><h2>' + esc(room.name) + ' <small>' + esc(room.code) + '</small> ' +
      '<button data-close="' + esc(room.id) + '">close room</button></h2>' +
      '<div class="meta">' + room.members.length + '/' + room.capacity + ' players · ' + room.pairs.length + ' pairs, ' + direct + ' direct · relay ' +
      (rate / 1024).toFixed(1) + ' KiB/s · time to direct p50 ' + (times.length ? Math.round(times[times.length >> 1]) + ' ms' : '—') + '</div>' +
      '<table>' + head + rows + '</table></div>';
  }).join('');
  document.getElementById('rooms').innerHTML = html || '<p>No rooms.</p>';
}
let lastAt = 0;
async function poll() {
  try {
    const response = await fetch('/admin/rooms', { headers });
    if (!response.ok) { document.getElementById('status').textContent = 'HTTP ' + response.status; return; }
    const now = performance.now();
    const { rooms } = await response.json();
    render(rooms, lastAt === 0 ? 0 : (now - lastAt) / 1000);
    lastAt = now;
    document.getElementById('status').textContent = rooms.length + ' rooms · updated ' + new Date().toLocaleTimeString();
    window.monitorRooms = rooms;
    window.monitorUpdates = (window.monitorUpdates || 0) + 1;
  } catch (error) { document.getElementById('status').textContent = String(error); }
}
document.addEventListener('click', (event) => {
  const kick = event.target.getAttribute('data-kick');
  const close = event.target.getAttribute('data-close');
  if (kick) post('/admin/players/' + encodeURIComponent(kick) + '/kick', { reason: 'kicked from the monitor' });
  if (close) post('/admin/rooms/' + encodeURIComponent(close) + '/close', { reason: 'closed from the monitor' });
});
poll(); setInterval(poll, 1000);
</script></body></html>
`;
