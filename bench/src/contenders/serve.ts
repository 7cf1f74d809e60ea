// Shared contender plumbing: listen on loopback, announce the port, and shut down cleanly so --cpu-prof can write.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Tells the orchestrator something about this contender; it is shown next to the contender's name. */
export function note(text: string): void {
  process.stdout.write(`note ${text}\n`);
}

/** Tells the orchestrator this contender cannot run here, and exits without an error. */
export function skip(reason: string): never {
  process.stdout.write(`skip ${reason}\n`);
  process.exit(0);
}

/**
 * Serves a request listener on a free loopback port and prints `ready <port>`. SIGTERM closes the
 * server and exits through `process.exit`, which is what lets `--cpu-prof` write its profile.
 */
export async function serve(handler: http.RequestListener, onClose?: () => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  // Outlive the load generator's keep-alive, so no measurement pays for reconnects.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
  // Peak RSS counts garbage V8 has not collected yet; the heap after a GC is what the process really holds.
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(`heap ${process.memoryUsage().heapUsed}\n`);
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    const done = (): never => process.exit(0);
    (onClose ? onClose() : Promise.resolve()).then(done, done);
  });
}
