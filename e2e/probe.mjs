import { launch, newPage, signIn, accounts } from './tests/lib.js';
import { readFileSync } from 'node:fs';
const AXE = readFileSync('node_modules/axe-core/axe.min.js','utf8');
const extra = ['target-size','duplicate-id','duplicate-id-active','table-fake-caption','identical-links-same-purpose','color-contrast-enhanced','aria-roledescription','landmark-complementary-is-top-level','meta-refresh-no-exceptions','audio-caption'];
const b = await launch();
for (const [role, vp] of [['admin',{width:1280,height:900}],['admin',{width:360,height:740}],['citizen',{width:360,height:740}], [null,{width:360,height:740}]]) {
  const p = await newPage(b, { viewport: vp });
  if (role) { const a = accounts()[role]; await signIn(p, a.login, a.password); }
  for (const path of ['/', '/login', '/register', '/account', '/admin/users', '/admin/users/new', '/admin/audit', '/admin/tokens', '/admin/reference', '/admin/reference/regions/UZ-SA', '/nope']) {
    await p.goto(path);
    await p.evaluate(AXE);
    const r = await p.evaluate(async (extra) => { const rules = Object.fromEntries(extra.map(x=>[x,{enabled:true}])); const r = await axe.run(document, {rules}); return r.violations.map(v=>[v.id, v.nodes.length, v.nodes.slice(0,4).map(n=>n.target.join(' '))]); }, extra);
    if (r.length) console.log(role, vp.width, path, JSON.stringify(r));
  }
}
await b.close();
