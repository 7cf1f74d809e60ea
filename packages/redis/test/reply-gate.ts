// A loopback TCP proxy in front of Redis that can lose Redis's replies, as a connection cut after a script ran would.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** What {@link startReplyGate} returns. */
export interface ReplyGate {
  /** `redis://127.0.0.1:<port>` of the proxy. */
  url: string;
  /** From now on, what Redis answers is dropped; commands still reach it. */
  dropReplies(): void;
  /** Replies pass again. */
  passReplies(): void;
  close(): Promise<void>;
}

/**
 * Forwards every connection to the Redis at `targetPort`. While replies are dropped, a command runs (and
 * is persisted) but its client never learns it; once Redis goes away the proxy closes the client side too,
 * so the client sees its command fail with the connection, not with an answer.
 *
 * @example
 * const gate = await startReplyGate(redis.port);
 * gate.dropReplies(); // the next admit runs in Redis; its reply is lost
 */
export async function startReplyGate(targetPort: number): Promise<ReplyGate> {
  let dropping = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!dropping) client.write(chunk);
    });
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', cut);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    dropReplies() {
      dropping = true;
    },
    passReplies() {
      dropping = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
