// A TCP proxy between one function server and Postgres, so a test can cut that server's database
// (an outage as the function sees it: connections dropped, new ones refused) and bring it back,
// while every other test sharing the cluster keeps its own direct connections.
export interface DbProxy {
  /** The database URL through the proxy (the target's user, password and database). */
  url: string;
  /** Refuses new connections and drops the open ones, as a database that went away. */
  cut: () => void;
  /** Listens again on the same port: the database is back. */
  restore: () => void;
  close: () => void;
}

export function startDbProxy(targetUrl: string): DbProxy {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || "5432");
  const targetHost = target.hostname;
  const open = new Set<Deno.Conn>();
  let listener: Deno.Listener | null = null;

  const pipe = async (client: Deno.Conn) => {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: targetHost, port: targetPort });
    } catch {
      client.close();
      return;
    }
    open.add(client);
    open.add(upstream);
    const closeBoth = () => {
      for (const conn of [client, upstream]) {
        if (open.delete(conn)) {
          try {
            conn.close();
          } catch { /* already closed */ }
        }
      }
    };
    // Either side ending (or the cut) ends both.
    await Promise.allSettled([
      client.readable.pipeTo(upstream.writable, { preventClose: true }),
      upstream.readable.pipeTo(client.writable, { preventClose: true }),
    ].map((p) => p.finally(closeBoth)));
  };

  const listen = (port: number) => {
    const l = Deno.listen({ hostname: "127.0.0.1", port });
    listener = l;
    void (async () => {
      try {
        for await (const conn of l) void pipe(conn);
      } catch { /* closed by cut */ }
    })();
    return (l.addr as Deno.NetAddr).port;
  };

  const port = listen(0);
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);

  const cut = () => {
    listener?.close();
    listener = null;
    for (const conn of [...open]) {
      open.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };
  return {
    url: url.toString(),
    cut,
    restore: () => {
      if (listener === null) listen(port);
    },
    close: cut,
  };
}
