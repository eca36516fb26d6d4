import { startWorld, loginAs } from '/work/main/test/e2e/lib.mjs';
process.env.PK_E2E_DEBUG='1';
const W = await startWorld();
const s = await loginAs(W, 'x', 'association');
let t=Date.now(); await s.goto('/association', { name: 'x' }); console.log('total', Date.now()-t);
await s.close(); await W.close();
