// Loaded into the emulator process by the soak (node --expose-gc --import): answers the parent's
// memory questions over the IPC channel, after a full collection when asked. It changes nothing
// else and does not keep the process alive.
if (process.send) {
  process.on('message', (message) => {
    if (message?.type !== 'soak:memory') return;
    if (message.collect && typeof globalThis.gc === 'function') globalThis.gc();
    process.send({ type: 'soak:memory', id: message.id, usage: process.memoryUsage() });
  });
  process.channel?.unref();
}
