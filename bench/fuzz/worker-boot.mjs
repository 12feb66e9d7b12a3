// The worker thread's entry: on Node 20 a worker does not inherit tsx's loader hooks from the parent's --import,
// so register them here when the TypeScript worker cannot be imported as it is (Node 22 inherits them).
try {
  await import('./worker.ts');
} catch (e) {
  if (e?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker.ts?with-tsx'); // a new URL: the failed import above stays cached
}
