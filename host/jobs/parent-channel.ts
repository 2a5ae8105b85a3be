/**
 * The child side of spawn.ts: messages to and from the host, whether this process was forked by Node (process.send)
 * or started as an Electron utility process (process.parentPort).
 */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as { parentPort?: ParentPort }).parentPort;

export function sendToParent(message: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (parentPort) {
      parentPort.postMessage(message);
      return resolve();
    }
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

export function onParentMessage(listener: (message: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data));
  else process.on('message', listener);
}

/** Runs `listener` once the parent is gone (Node: the IPC channel closed; a utility process ends with its parent). */
export function onParentGone(listener: () => void): void {
  if (!parentPort) process.on('disconnect', listener);
}
