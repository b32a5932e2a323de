const p = JSON.parse(require('fs').readFileSync(process.argv[2] || '/tmp/intake.cpuprofile'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map(); for (const id of p.samples) self.set(id, (self.get(id) || 0) + 1);
const total = p.samples.length;
const parent = new Map(); for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const fn = {}, mod = {}, incl = {};
const bucket = (u) => { if (!u) return '(native)'; const m = u.match(/node_modules\/((@[^/]+\/)?[^/]+)/); if (m) return m[1]; if (u.includes('/dist/src/')) return 'src/' + u.split('/dist/src/')[1]; if (u.startsWith('node:')) return u; return u; };
for (const [id, k] of self) { const n = byId.get(id); const cf = n.callFrame; const key = `${cf.functionName || '(anon)'} ${bucket(cf.url)}:${cf.lineNumber}`; fn[key] = (fn[key] || 0) + k; const b = bucket(cf.url); mod[b] = (mod[b] || 0) + k;
  // inclusive by src function: walk up
  const seen = new Set(); let cur = id; while (cur) { const nn = byId.get(cur); const u = nn.callFrame.url; if (u.includes('/dist/src/')) { const kk = `${nn.callFrame.functionName} ${bucket(u)}`; if (!seen.has(kk)) { seen.add(kk); incl[kk] = (incl[kk] || 0) + k; } } cur = parent.get(cur); } }
const top = (o, n) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(100 * v / total).toFixed(1).padStart(5)}% ${k}`).join('\n');
console.log('== modules self\n' + top(mod, 25)); console.log('== functions self\n' + top(fn, 40)); console.log('== src inclusive\n' + top(incl, 40));
