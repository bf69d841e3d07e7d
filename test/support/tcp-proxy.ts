import { Server, Socket, createConnection, createServer } from 'node:net';

/**
 * How the proxy treats bytes: `flow` forwards them; `stall` holds them (and every new
 * connection's) until it flows again, as a database that stops answering for a while;
 * `blackhole` accepts connections and forwards nothing, dropping the bytes, as a network
 * that swallows packets: those connections never recover and are cut when it flows again.
 */
export type ProxyMode = 'flow' | 'stall' | 'blackhole';

interface Link {
  client: Socket;
  upstream: Socket;
  /** Was (or is) blackholed: its bytes were lost, so it is cut when the proxy flows again. */
  lost: boolean;
}

/** A loopback TCP proxy whose far side can be cut and restored: "the database goes away". */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly links = new Set<Link>();
  /** Writes held while stalled, in order. */
  private held: Array<() => void> = [];
  private mode: ProxyMode = 'flow';
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    if (this.server) return;
    this.server = createServer((client) => {
      const upstream = createConnection(this.targetPort, this.targetHost);
      const link: Link = { client, upstream, lost: this.mode === 'blackhole' };
      this.links.add(link);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => {
          this.sockets.delete(socket);
          this.links.delete(link);
        });
        socket.on('error', () => socket.destroy());
      }
      this.forward(link, client, upstream);
      this.forward(link, upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  private forward(link: Link, from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.mode === 'blackhole') link.lost = true;
      if (link.lost) return;
      if (this.mode === 'stall') this.held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  }

  /** Holds every byte, of open and new connections, until `flow`. */
  stall(): void {
    this.mode = 'stall';
  }

  /** Accepts connections and forwards nothing, until `flow`. */
  blackhole(): void {
    this.mode = 'blackhole';
    for (const link of this.links) link.lost = true;
  }

  /** Forwards again: held bytes first, in order; connections whose bytes were lost are cut. */
  flow(): void {
    this.mode = 'flow';
    const held = this.held;
    this.held = [];
    for (const write of held) write();
    for (const link of this.links) {
      if (link.lost) {
        link.client.destroy();
        link.upstream.destroy();
      }
    }
  }

  /** Drops every connection and stops accepting: the database is unreachable. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.held = [];
    this.mode = 'flow';
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server = undefined;
  }

  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }
}
