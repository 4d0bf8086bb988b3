import assert from "node:assert/strict";
import { DatabaseError, openDatabase } from "./database.ts";
import postgres from "postgres";
import { requirePostgres, withTempDatabase } from "../tests/helpers/postgres.ts";

const SECRET = "hunter2-not-a-real-password";
const failure = (work: Promise<unknown>) =>
  work.then(() => assert.fail("expected a failure"), (e: unknown) => e);

function assertNoSecret(error: unknown): void {
  assert.ok(!Deno.inspect(error, { depth: 10 }).includes(SECRET), "the password leaked into the error");
}

/** A TCP proxy to PostgreSQL that can go silent, like a frozen server or a dropped network path. */
function silentProxy(target: { hostname: string; port: number }) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const pumps: Promise<void>[] = [];
  let silent = false;
  const pump = async (from: Deno.Conn, to: Deno.Conn) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
        for (let sent = 0; !silent && sent < n;) sent += await to.write(buffer.subarray(sent, n));
      }
    } catch {
      // The other side or close() ended the connection.
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      const server = await Deno.connect(target);
      conns.push(client, server);
      pumps.push(pump(client, server), pump(server, client));
    }
  })().catch(() => undefined);
  return {
    port: listener.addr.port,
    /** Keeps every connection open but passes nothing more either way. */
    silence: () => silent = true,
    async close() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed by its peer.
        }
      }
      await accepting;
      await Promise.all(pumps);
    },
  };
}

Deno.test({
  name: "a wrong database fails at open, naming host and database but not the password",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const wrong = new URL(url);
      wrong.password = SECRET;
      wrong.pathname = "/no_such_database";
      const error = await failure(openDatabase({ url: wrong.href, dataDir: "" }));
      assert.ok(error instanceof DatabaseError);
      const target = `${wrong.hostname}:${wrong.port || 5432}/no_such_database: `;
      assert.ok(
        error.message.startsWith("cannot connect to PostgreSQL at ") && error.message.includes(target),
      );
      assert.match(error.message, /does not exist/);
      assertNoSecret(error);
    }),
});

Deno.test("a refused connection or a malformed URL fails at open without the password", async () => {
  const refused = await failure(openDatabase({ url: `postgres://me:${SECRET}@127.0.0.1:1/db`, dataDir: "" }));
  assert.ok(refused instanceof DatabaseError);
  assert.match(refused.message, /^cannot connect to PostgreSQL at me@127\.0\.0\.1:1\/db: /);
  assertNoSecret(refused);

  const malformed = await failure(openDatabase({ url: `postgres://me:${SECRET}@[bad/db`, dataDir: "" }));
  assert.ok(malformed instanceof DatabaseError);
  assertNoSecret(malformed);
});

Deno.test("a server that accepts but never answers fails at open within the connect timeout", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) accepted.push(conn);
  })().catch(() => undefined);
  try {
    const started = performance.now();
    const url = `postgres://postgres@127.0.0.1:${listener.addr.port}/db`;
    const error = await failure(openDatabase({ url, dataDir: "", connectTimeoutMs: 300 }));
    assert.ok(error instanceof DatabaseError, String(error));
    assert.ok(performance.now() - started < 2_500);
  } finally {
    listener.close();
    for (const conn of accepted) conn.close();
    await accepting;
  }
});

Deno.test({
  name: "a server that goes silent mid-session cannot hang a call past the client deadline",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const direct = new URL(url);
      const proxy = silentProxy({ hostname: direct.hostname, port: Number(direct.port || 5432) });
      try {
        const viaProxy = new URL(url);
        viaProxy.port = String(proxy.port);
        const db = await openDatabase({ url: viaProxy.href, dataDir: "", queryTimeoutMs: 300 });
        try {
          assert.deepEqual(await db.query("select 1 as one"), [{ one: 1 }]);
          proxy.silence();
          const started = performance.now();
          const error = await failure(db.query("select 2"));
          assert.ok(error instanceof DatabaseError && error.timedOut, String(error));
          assert.ok(performance.now() - started < 2_500);
          const begun = await failure(db.transaction((tx) => tx.query("select 3")));
          assert.ok(begun instanceof DatabaseError && begun.timedOut, String(begun));
        } finally {
          await db.close();
        }
      } finally {
        await proxy.close();
      }
    }),
});

Deno.test({
  name: "the URL wins over PG* environment variables",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const names = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGMAX", "PGCONNECT_TIMEOUT"];
      const saved = names.map((name) => [name, Deno.env.get(name)] as const);
      const bogus = ["192.0.2.1", "1", "no_such_database", "no_such_user", "0", "1000"];
      names.forEach((name, i) => Deno.env.set(name, bogus[i] ?? ""));
      try {
        const db = await openDatabase({ url, dataDir: "" });
        try {
          const [row] = await db.query<{ db: string }>("select current_database() as db");
          assert.equal(row?.db, new URL(url).pathname.slice(1));
        } finally {
          await db.close();
        }
      } finally {
        for (const [name, value] of saved) {
          value === undefined ? Deno.env.delete(name) : Deno.env.set(name, value);
        }
      }
    }),
});

Deno.test({
  // npm:postgres 3.4.9 (porsager/postgres#1208): a statement sent on a reserved connection after its
  // socket closed throws from a setImmediate, out of reach of any catch, and ends the process (in the
  // service: the store's worker, with the messages it had been handed). The rollback after a failed
  // statement was such a statement.
  name: "a transaction whose connection dies fails with a DatabaseError, and the pool goes on",
  ...requirePostgres,
  fn: () =>
    withTempDatabase(async (url) => {
      const db = await openDatabase({ url, dataDir: "" });
      const killer = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const error = await failure(db.transaction(async (tx) => {
          const [{ pid }] = await tx.query<{ pid: number }>("select pg_backend_pid() as pid");
          await killer`select pg_terminate_backend(${pid})`;
          await tx.query("select 1");
        }));
        assert.ok(error instanceof DatabaseError && !error.timedOut, String(error));
        // A tick for the driver's deferred writes, where the crash came from.
        await new Promise((resolve) => setTimeout(resolve, 50));
        for (let i = 0; i < 8; i++) assert.deepEqual(await db.query("select 1 as one"), [{ one: 1 }]);
        for (let i = 0; i < 4; i++) {
          assert.deepEqual(await db.transaction((tx) => tx.query("select 2 as two")), [{ two: 2 }]);
        }
      } finally {
        await killer.end({ timeout: 1 });
        await db.close();
      }
    }),
});
