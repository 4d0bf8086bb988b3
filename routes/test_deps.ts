/** Fake FrontDeps for the route tests: a small in-memory supervision tree that records what it is asked. */
import assert from "node:assert/strict";
import type { DataQueries } from "../db/queries.ts";
import type { ActorHealth } from "../runtime/actor_process.ts";
import { MetricsRegistry } from "../runtime/metrics.ts";
import type { ChildStatus, TreeNode } from "../supervision/child.ts";
import { type ControlAction, ControlError } from "../supervision/supervisor.ts";
import type { FaultKind, FrontDeps, StatusReport } from "./deps.ts";
import { ErrorBodySchema } from "./errors.ts";
import { HotViews } from "./hot_views.ts";
import { ErrorJournal } from "./journal.ts";
import { EventFeed } from "./event_feed.ts";
import { DeadLetters } from "../runtime/dead_letters.ts";

export const TOKEN = "correct-horse-battery-staple";
export const STARTED_AT = Date.parse("2024-05-01T12:00:00Z");

/** FrontDeps plus what the fake recorded. */
export interface FakeDeps extends FrontDeps {
  controlCalls: { name: string; action: ControlAction }[];
  faultCalls: { name: string; kind: FaultKind }[];
  breakerResets: { name: string; breaker: string }[];
}

/** Health of one actor with every field filled, including the internals the routes must not show. */
export function actorHealth(name: string, status: ChildStatus = "running"): ActorHealth {
  return {
    name,
    status,
    restarts: 1,
    lastRestartReasons: [{ at: "2024-05-01T12:01:00.000Z", reason: "manual restart", manual: true }],
    mailbox: { depth: 2, capacity: 100, parked: 1 },
    heartbeatAgeMs: 40,
    breaker: null,
    breakers: [],
    busy: { kind: "fetch", forMs: 12 },
    handled: 7,
    incarnation: 2,
    zombies: [],
  };
}

export const STATUS_PARTS: Omit<StatusReport, "version" | "uptimeSeconds"> = {
  feed: { source: "sim", lastUpdateTimestamp: "2024-05-01T12:09:45Z", dataAgeSeconds: 15, stale: false },
  counts: { pilots: 1200, controllers: 80, atis: 40, prefiles: 30 },
  snapshots: { fetched: 40, stored: 38, duplicates: 1, quarantined: 1 },
  degraded: [],
};

/** A fake whose actors are `fetcher` (running) and `store` (stopped); `overrides` replace any field. */
export function fakeDeps(overrides: Partial<FrontDeps> = {}): FakeDeps {
  const statuses = new Map<string, ChildStatus>([["fetcher", "running"], ["store", "stopped"]]);
  const controlCalls: FakeDeps["controlCalls"] = [];
  const faultCalls: FakeDeps["faultCalls"] = [];
  const breakerResets: FakeDeps["breakerResets"] = [];
  const known = (name: string): ChildStatus => {
    const status = statuses.get(name);
    if (status === undefined) throw new ControlError("not_found", `no actor or supervisor named ${name}`);
    return status;
  };
  const tree: TreeNode = {
    name: "root",
    type: "supervisor",
    status: "running",
    restart: "permanent",
    restarts: 0,
    strategy: "one_for_one",
    intensity: { max: 1, periodMs: 5000, recent: 0 },
    children: [...statuses].map(([name, status]) => ({
      name,
      type: "actor" as const,
      status,
      restart: "permanent" as const,
      restarts: 0,
    })),
  };
  return {
    version: "1.2.3",
    startedAt: STARTED_AT,
    controlToken: TOKEN,
    faultInjection: false,
    controlCalls,
    faultCalls,
    breakerResets,
    supervision: {
      health: () => [...statuses].map(([name, status]) => actorHealth(name, status)),
      tree: () => tree,
      control: (name, action) => {
        controlCalls.push({ name, action });
        try {
          const status = known(name);
          if (action === "start" && status === "running") {
            return Promise.reject(new ControlError("conflict", `${name} is already running`));
          }
          statuses.set(name, action === "stop" ? "stopped" : "running");
          return Promise.resolve(action === "stop" ? "stopped" : "running");
        } catch (error) {
          return Promise.reject(error);
        }
      },
      fault: (name, kind) => {
        known(name);
        faultCalls.push({ name, kind });
      },
      resetBreaker: (name, breaker) => {
        known(name);
        breakerResets.push({ name, breaker });
      },
    },
    status: () => Promise.resolve(STATUS_PARTS),
    ready: () => Promise.resolve({ ready: true, reasons: [] }),
    data: noData,
    hot: new HotViews(),
    readToken: null,
    corsOrigins: [],
    journal: new ErrorJournal(),
    deadLetters: new DeadLetters(),
    events: new EventFeed(),
    metrics: new MetricsRegistry(),
    ...overrides,
  };
}

const notFaked = () => Promise.reject(new Error("this fake holds no data; pass `data` to fakeDeps"));

/** Data reads that fail: route tests of data pass real reads over a replayed database instead. */
export const noData: DataQueries = {
  flights: notFaked,
  flight: notFaked,
  track: notFaked,
  atcPositions: notFaked,
  controllerSessions: notFaked,
  atis: notFaked,
  anomalies: notFaked,
  movements: notFaked,
  trafficSummary: notFaked,
  trafficTrends: notFaked,
  arrivalForecast: notFaked,
  atcCoverage: notFaked,
};

/** Headers carrying a bearer token. */
export function bearer(token: string = TOKEN): HeadersInit {
  return { Authorization: `Bearer ${token}` };
}

/** Asserts the status and a JSON content type, and returns the parsed body. */
export async function jsonOf(response: Response, status: number): Promise<unknown> {
  const body = await response.text();
  assert.equal(response.status, status, body);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  return JSON.parse(body);
}

/** Asserts an error response in the shared shape with this status and code; returns the message. */
export async function errorOf(response: Response, status: number, code: string): Promise<string> {
  const body = await jsonOf(response, status);
  const { message } = ErrorBodySchema.parse(body).error;
  // Exactly this shape: nothing else (a stack, a cause) rides along.
  assert.deepEqual(body, { error: { code, message } });
  return message;
}
