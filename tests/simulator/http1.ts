// A minimal HTTP/1.1 server on Deno.listen for the PROVIDER SIMULATOR (a test double).
// Why not Deno.serve: it cannot close a connection without answering, and the simulator must
// (`drop`), and it owns the socket lifetime we need for `hang`. One request per connection,
// answered with `connection: close`, which is valid HTTP/1.1 and keeps this small. Streams
// (server-sent events) go out chunked, as the real APIs send them, so a connection dropped
// mid-stream is an error for the client, not a normal end.

export interface RawRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lowercased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Who ended a connection: the peer (the client gave up, aborted) or this server (drop, close). */
export type ClosedBy = "client" | "server";

/** The body of a chunked response, written piece by piece. */
export interface StreamWriter {
  /** Sends one chunk; false when the connection is gone (nothing was sent). */
  write(text: string): Promise<boolean>;
  /** Sends the last chunk: the response is complete. */
  end(): Promise<void>;
}

export interface Exchange {
  request: RawRequest;
  /** Resolves when the client disconnects or the server closes; answering is then pointless. */
  closed: Promise<ClosedBy>;
  respond(response: RawResponse): Promise<void>;
  /** Sends the status line and headers of a chunked response; the body follows through the writer. */
  openStream(status: number, headers: Record<string, string>): Promise<StreamWriter>;
  /** Destroy the connection without a response. */
  drop(): void;
}

export interface Http1Server {
  port: number;
  close(): Promise<void>;
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const CRLF = new Uint8Array([13, 10]);
const REASONS: Record<number, string> = {
  200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 413: "Payload Too Large", 429: "Too Many Requests",
  500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 529: "Overloaded",
};

/** Buffered reads over a connection: just what request parsing needs. */
class Reader {
  #buf = new Uint8Array(0);
  constructor(private readonly conn: Deno.Conn) {}

  async #fill(): Promise<void> {
    const chunk = new Uint8Array(16 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) throw new Error("connection closed mid-request");
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
  }

  /** Bytes up to (not including) the delimiter, which is consumed. */
  async readUntil(delimiter: Uint8Array, limit: number): Promise<Uint8Array> {
    for (;;) {
      const at = indexOf(this.#buf, delimiter);
      if (at >= 0) {
        const out = this.#buf.slice(0, at);
        this.#buf = this.#buf.slice(at + delimiter.length);
        return out;
      }
      if (this.#buf.length > limit) throw new Error("request head too large");
      await this.#fill();
    }
  }

  async readExact(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n) await this.#fill();
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

async function readRequest(reader: Reader): Promise<RawRequest> {
  const head = new TextDecoder().decode(await reader.readUntil(new Uint8Array([13, 10, 13, 10]), MAX_HEAD_BYTES));
  const [requestLine, ...lines] = head.split("\r\n");
  const [method, target] = requestLine.split(" ");
  if (!method || !target) throw new Error(`bad request line: ${requestLine}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const url = new URL(target, "http://simulator.invalid");
  let body: Uint8Array = new Uint8Array(0);
  if ((headers["transfer-encoding"] ?? "").toLowerCase().includes("chunked")) {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const size = parseInt(new TextDecoder().decode(await reader.readUntil(CRLF, 1024)).split(";")[0], 16);
      if (!Number.isFinite(size) || size < 0) throw new Error("bad chunk size");
      if (size === 0) break;
      total += size;
      if (total > MAX_BODY_BYTES) throw new Error("request body too large");
      parts.push(await reader.readExact(size));
      await reader.readExact(2);
    }
    // Trailers, if any, end with an empty line.
    while ((await reader.readUntil(CRLF, MAX_HEAD_BYTES)).length > 0) { /* skip trailer */ }
    body = concat(parts);
  } else if (headers["content-length"]) {
    const length = Number(headers["content-length"]);
    if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) throw new Error("bad content-length");
    body = await reader.readExact(length);
  }
  return { method: method.toUpperCase(), path: url.pathname, query: url.searchParams, headers, body };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

function encodeHead(status: number, headers: Record<string, string>): Uint8Array {
  const head = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}`]
    .concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`))
    .join("\r\n");
  return new TextEncoder().encode(`${head}\r\n\r\n`);
}

function encodeResponse(response: RawResponse): Uint8Array {
  const body = new TextEncoder().encode(response.body);
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    ...response.headers,
    "content-length": String(body.length),
    connection: "close",
  };
  return concat([encodeHead(response.status, headers), body]);
}

/** One chunk of a chunked body: size in hex, the bytes, CRLF. */
function encodeChunk(bytes: Uint8Array): Uint8Array {
  return concat([new TextEncoder().encode(`${bytes.length.toString(16)}\r\n`), bytes, CRLF]);
}

export function serveHttp1(
  options: { hostname: string; port: number },
  handler: (exchange: Exchange) => Promise<void>,
): Http1Server {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port, transport: "tcp" });
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let closing = false;

  /** Connections this server ended itself, so their `closed` reads as "server". */
  const closedHere = new WeakSet<Deno.Conn>();

  const closeConn = (conn: Deno.Conn): void => {
    if (!conns.delete(conn)) return;
    closedHere.add(conn);
    try {
      conn.close();
    } catch { /* already closed by the peer */ }
  };

  const handle = async (conn: Deno.Conn): Promise<void> => {
    try {
      const request = await readRequest(new Reader(conn));
      // Watch for the client going away while the handler waits (hang, delay): with one request
      // per connection, any read that ends means the peer closed or the server did.
      const by = (): ClosedBy => (closedHere.has(conn) ? "server" : "client");
      const closed = conn.read(new Uint8Array(1)).then(by, by);
      let peerGone = false;
      void closed.then((who) => {
        peerGone = who === "client";
      });
      /** Writes unless the connection is gone; false when nothing could be sent. */
      const send = async (bytes: Uint8Array): Promise<boolean> => {
        if (!conns.has(conn) || peerGone) return false;
        return await writeAll(conn, bytes).then(() => true, () => false);
      };
      await handler({
        request,
        closed,
        respond: async (response) => {
          await send(encodeResponse(response));
        },
        openStream: async (status, headers) => {
          await send(encodeHead(status, {
            date: new Date().toUTCString(),
            ...headers,
            "transfer-encoding": "chunked",
            connection: "close",
          }));
          return {
            write: (text) => send(encodeChunk(new TextEncoder().encode(text))),
            end: async () => {
              await send(new TextEncoder().encode("0\r\n\r\n"));
            },
          };
        },
        drop: () => closeConn(conn),
      });
    } catch {
      // A malformed or abandoned request: nothing useful to answer, close below.
    } finally {
      closeConn(conn);
    }
  };

  const acceptLoop = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return; // the listener was closed
      }
      if (closing) {
        conn.close();
        continue;
      }
      conns.add(conn);
      const task = handle(conn);
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
  })();

  const { port } = listener.addr as Deno.NetAddr;
  let closedOnce: Promise<void> | null = null;
  return {
    port,
    close: () => {
      closedOnce ??= (async () => {
        closing = true;
        listener.close();
        await acceptLoop;
        for (const conn of [...conns]) closeConn(conn);
        await Promise.allSettled([...tasks]);
      })();
      return closedOnce;
    },
  };
}
