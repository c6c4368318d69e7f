const t0 = performance.now();
const { startTestServer } = await import('./server.ts');
const { openTestStore } = await import('./db.ts');
console.log('import', (performance.now() - t0).toFixed(0));
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const s = await openTestStore();
  console.log('store', (performance.now() - t).toFixed(0));
  await s.close();
  t = performance.now();
  const srv = await startTestServer();
  console.log('server', (performance.now() - t).toFixed(0));
  t = performance.now();
  await srv.close();
  console.log('close', (performance.now() - t).toFixed(0));
}
