// RedisStore: the Store contract on Redis, each multi-step update one Lua script, so many AgentWall instances act as one.
import type { Cluster, Redis } from 'ioredis';
import { type Store } from '@agentwall/core';
import {
  DEFAULT_LEASE_MS,
  newAdmitId,
  utcDay,
  utcMonth,
  type AdmitRequest,
  type AdmitVerdict,
  type BlockedAttempt,
  type KeyUsage,
  type LeaseRef,
  type ResponseRecord,
  type RunKey,
  type RunState,
  type SettleRequest,
  type SettleResult,
} from '@agentwall/core/store';
import { watchConnection, type ConnectionWatch } from './connection.js';
import { keyLayout, type KeyLayout, type RunKeys } from './key-layout.js';
import { ADMIT_ARGC, ADMIT_ARGV } from './lua/admit.js';
import { resolveOptions, type RedisStoreOptions } from './options.js';
import { admitVerdict } from './replies.js';
import { runStateFrom } from './run-state.js';
import { defineScripts, type StoreScripts } from './scripts.js';

function micros(name: string, v: number): string {
  // HINCRBY takes integers only; a fraction here is a caller's bug, and money must never be rounded silently.
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`RedisStore: ${name} must be a non-negative integer of micro-dollars, got ${v}`);
  return String(v);
}

function ttl(ms: number): string {
  return String(Math.max(1, Math.ceil(ms)));
}

const runArgs = (k: RunKeys): string[] => [k.state, k.window, k.steps, k.blocked];

/** An admit id goes into a lease's member, whose fields are separated by `|`. */
function admitIdOf(id: string): string {
  if (typeof id !== 'string' || id === '' || id.includes('|')) throw new TypeError(`RedisStore: an admit id must be a non-empty string without "|", got ${JSON.stringify(id)}`);
  return id;
}

/** A budget period id goes into a lease's member too. */
function periodOf(name: string, id: string): string {
  if (typeof id !== 'string' || id.includes('|')) throw new TypeError(`RedisStore: ${name} must be a period id such as 2026-11-24, got ${JSON.stringify(id)}`);
  return id;
}

/** The member naming a lease in the key's sorted set: everything the sweep needs to release it (see `LEASE_HELPERS_LUA`). */
function leaseMember(admitId: string, r: { micros: number; day: string; month: string }, runId: string): string {
  return `${admitIdOf(admitId)}|${micros('reservation.micros', r.micros)}|${periodOf('reservation.day', r.day)}|${periodOf('reservation.month', r.month)}|${runId}`;
}

/**
 * Shared AgentWall state in Redis (or Redis Cluster), for several instances behind a load balancer.
 * It behaves exactly like `MemoryStore`: every method that changes more than one value is one Lua script
 * (run by SHA, resent once on `NOSCRIPT`), so admits are atomic across instances, including the loop
 * verdict, which a Lua port of `detectLoop` takes inside the admit script. Money is integer micro-dollars
 * (HINCRBY). Run keys expire `ttlMs` after the run's last write, on Redis's clock; day counters 2 days and
 * month counters 35 days after the write that creates them (which outlasts their day or month); revocations never.
 *
 * A settle applies only to the admit whose token (`admitId`) the run still holds, and each reservation is
 * a lease on Redis's clock, released by the key's next admit or read once it expires (see the README's
 * "Admit tokens and leases").
 *
 * All of one API key's state carries one hash tag (`{keyId}`), so it sits in one Cluster slot.
 * Calls reject while Redis is unreachable (at once with a client made from `url`); AgentWall then fails
 * open or closed per guard (`failOpen`).
 *
 * @example
 * import { RedisStore } from '@agentwall/redis';
 * app.use(agentwall({ keys, store: new RedisStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }) }));
 */
export class RedisStore implements Store {
  /** The ioredis client in use (the one given, or the one made from `url`). */
  readonly client: Redis | Cluster;
  private readonly ownsClient: boolean;
  private readonly keys: KeyLayout;
  private readonly scripts: StoreScripts;
  private readonly connection: ConnectionWatch;
  private closed = false;
  /** The admit script checks the key's revocation mark itself, in the same round trip. */
  readonly checksRevocationInAdmit = true;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveOptions(options);
    this.client = resolved.client;
    this.ownsClient = resolved.ownsClient;
    this.keys = keyLayout(resolved.prefix);
    this.scripts = defineScripts(this.client);
    this.connection = watchConnection(this.client, resolved.logger, resolved.ownsClient);
  }

  /** Atomically, in one script: MemoryStore.admit's checks in its order (see `Store.admit`). */
  async admit(req: AdmitRequest): Promise<AdmitVerdict> {
    const k = this.keys.run(req.run);
    const day = req.budget?.day ?? utcDay(req.now);
    const month = req.budget?.month ?? utcMonth(req.now);
    const argv: string[] = new Array<string>(ADMIT_ARGC).fill('');
    const set = (at: number, v: string): void => {
      argv[at - 1] = v;
    };
    set(ADMIT_ARGV.now, String(req.now));
    set(ADMIT_ARGV.ttlMs, ttl(req.ttlMs));
    set(ADMIT_ARGV.hasAgentId, req.agentId !== undefined ? '1' : '0');
    if (req.agentId !== undefined) set(ADMIT_ARGV.agentId, req.agentId);
    if (req.metadata !== undefined) set(ADMIT_ARGV.metadata, JSON.stringify(req.metadata));
    set(ADMIT_ARGV.maxSteps, String(req.maxSteps));
    if (req.dlp) set(ADMIT_ARGV.dlp, JSON.stringify(req.dlp));
    if (req.maxDurationMs !== undefined) set(ADMIT_ARGV.maxDurationMs, String(req.maxDurationMs));
    if (req.budget) {
      set(ADMIT_ARGV.budgetMicros, micros('budget.micros', req.budget.micros));
      if (req.budget.runLimitMicros !== undefined) set(ADMIT_ARGV.runLimitMicros, String(req.budget.runLimitMicros));
      if (req.budget.dailyLimitMicros !== undefined) set(ADMIT_ARGV.dailyLimitMicros, String(req.budget.dailyLimitMicros));
      if (req.budget.monthlyLimitMicros !== undefined) set(ADMIT_ARGV.monthlyLimitMicros, String(req.budget.monthlyLimitMicros));
    }
    if (req.loop) {
      const p = req.loop.params;
      set(ADMIT_ARGV.fingerprint, JSON.stringify(req.loop.fingerprint));
      set(ADMIT_ARGV.loopMode, req.loop.mode);
      set(ADMIT_ARGV.loopWindow, String(p.window));
      set(ADMIT_ARGV.nearMaxDistance, String(p.nearMaxDistance));
      set(ADMIT_ARGV.nearRepeats, String(p.nearRepeats));
      set(ADMIT_ARGV.toolRepeats, String(p.toolRepeats));
    } else {
      set(ADMIT_ARGV.loopWindow, '0');
    }
    set(ADMIT_ARGV.checkRevoked, req.checkRevoked ? '1' : '0');
    const admitId = admitIdOf(req.admitId ?? newAdmitId());
    set(ADMIT_ARGV.admitId, admitId);
    if (req.budget) {
      set(ADMIT_ARGV.leaseMs, ttl(req.leaseMs ?? DEFAULT_LEASE_MS));
      set(ADMIT_ARGV.keyBase, this.keys.base(req.run.keyId));
      set(ADMIT_ARGV.leaseMember, leaseMember(admitId, req.budget, req.run.runId));
    }
    await this.connection.usable();
    const reply = await this.scripts.admit(
      ...runArgs(k),
      this.keys.day(req.run.keyId, day),
      this.keys.month(req.run.keyId, month),
      this.keys.revoked(req.run.keyId),
      this.keys.leases(req.run.keyId),
      ...argv,
    );
    return admitVerdict(reply, req, admitId);
  }

  /** Atomically, in one script: undoes the admit `req.admitId` if the run holds it (see `Store.cancelAdmit`). */
  async cancelAdmit(req: AdmitRequest & { admitId: string }): Promise<boolean> {
    const b = req.budget;
    const member = b ? leaseMember(req.admitId, b, req.run.runId) : '';
    const day = b?.day ?? utcDay(req.now);
    const month = b?.month ?? utcMonth(req.now);
    await this.connection.usable();
    const reply = await this.scripts.cancelAdmit(
      ...runArgs(this.keys.run(req.run)),
      this.keys.day(req.run.keyId, day),
      this.keys.month(req.run.keyId, month),
      this.keys.leases(req.run.keyId),
      admitIdOf(req.admitId),
      member,
      b ? String(b.micros) : '0',
      req.dlp ? JSON.stringify(req.dlp) : '',
    );
    return Number(reply) === 1;
  }

  /** One script: pushes a live lease's expiry to `leaseMs` from now on Redis's clock. */
  async renewLease(lease: LeaseRef, leaseMs: number): Promise<boolean> {
    const member = leaseMember(lease.admitId, lease.reservation, lease.run.runId);
    await this.connection.usable();
    return Number(await this.scripts.renewLease(this.keys.leases(lease.run.keyId), member, ttl(leaseMs))) === 1;
  }

  /** Atomically: records a blocked attempt, creating the run if it is new. */
  async recordBlocked(run: RunKey, attempt: BlockedAttempt, now: number, ttlMs: number): Promise<void> {
    await this.connection.usable();
    await this.scripts.recordBlocked(...runArgs(this.keys.run(run)), String(now), ttl(ttlMs), JSON.stringify(attempt));
  }

  /**
   * Atomically: adds the cost and releases the reservation on the run, the day and the month; records the
   * step. Only for the admit it names (see `Store.settle`); otherwise `stale`, and nothing changes.
   */
  async settle(req: SettleRequest): Promise<SettleResult> {
    const cost = micros('record.costMicros', req.record.costMicros);
    const held = req.reservation ? micros('reservation.micros', req.reservation.micros) : '0';
    const day = req.reservation?.day ?? utcDay(req.now);
    const month = req.reservation?.month ?? utcMonth(req.now);
    const member = req.reservation ? leaseMember(req.admitId, req.reservation, req.run.runId) : '';
    await this.connection.usable();
    const reply = (await this.scripts.settle(
      ...runArgs(this.keys.run(req.run)),
      this.keys.day(req.run.keyId, day),
      this.keys.month(req.run.keyId, month),
      this.keys.leases(req.run.keyId),
      String(req.now),
      ttl(req.ttlMs),
      cost,
      held,
      req.reservation || req.record.costMicros > 0 ? '1' : '0',
      JSON.stringify(req.record),
      String(req.record.step),
      req.record.status === 'ok' ? '1' : '0',
      req.retry ? '1' : '0',
      admitIdOf(req.admitId),
      member,
    )) as [string, string, number?];
    const result: SettleResult = { runCostMicros: Number(reply[0]), steps: Number(reply[1]) };
    if (reply[2] === 1) result.stale = true;
    return result;
  }

  /** One script: releases the key's expired leases, then reads the run's hash and lists; undefined when unknown or expired. */
  async getRun(run: RunKey): Promise<RunState | undefined> {
    const k = this.keys.run(run);
    await this.connection.usable();
    const [flat, window, steps, blocked] = (await this.scripts.getRun(...runArgs(k), this.keys.leases(run.keyId), this.keys.base(run.keyId))) as [string[], string[], string[], string[]];
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
    return runStateFrom(run, hash, window, steps, blocked);
  }

  /** Atomically: marks a known run killed. False when the run is unknown or expired. */
  async killRun(run: RunKey, reason: string, now: number, ttlMs: number): Promise<boolean> {
    await this.connection.usable();
    return Number(await this.scripts.killRun(...runArgs(this.keys.run(run)), String(now), ttl(ttlMs), reason)) === 1;
  }

  /** One script: releases the key's expired leases, then reads its day and month counters. */
  async getUsage(keyId: string, day: string, month: string): Promise<KeyUsage> {
    await this.connection.usable();
    const [d, m] = (await this.scripts.getUsage(this.keys.day(keyId, day), this.keys.month(keyId, month), this.keys.leases(keyId), this.keys.base(keyId))) as [
      Array<string | null>,
      Array<string | null>,
    ];
    return {
      daily: { spentMicros: Number(d[0] ?? 0), reservedMicros: Number(d[1] ?? 0) },
      monthly: { spentMicros: Number(m[0] ?? 0), reservedMicros: Number(m[1] ?? 0) },
    };
  }

  /** Marks the key revoked for every instance on this Redis; the mark never expires. */
  async revokeKey(keyId: string): Promise<void> {
    await this.connection.usable();
    await this.client.set(this.keys.revoked(keyId), String(Date.now()));
  }

  /** One EXISTS. */
  async isRevoked(keyId: string): Promise<boolean> {
    await this.connection.usable();
    return (await this.client.exists(this.keys.revoked(keyId))) === 1;
  }

  /** One SET with PX: the record as JSON, expiring `ttlMs` from now on Redis's clock. */
  async putResponse(record: ResponseRecord, ttlMs: number): Promise<void> {
    await this.connection.usable();
    await this.client.set(this.keys.response(record.responseId), JSON.stringify(record), 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  /** One GET. */
  async getResponse(responseId: string): Promise<ResponseRecord | undefined> {
    await this.connection.usable();
    const raw = await this.client.get(this.keys.response(responseId));
    return raw === null ? undefined : (JSON.parse(raw) as ResponseRecord);
  }

  /** Resolves when Redis answers PING; rejects otherwise (what `/health/ready` reports). */
  async ping(): Promise<void> {
    await this.connection.usable();
    await this.client.ping();
  }

  /** Stops watching the connection; closes the client only if the store made it (from `url`). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.mute();
    if (this.ownsClient) {
      const client = this.client;
      if (client.status === 'ready') await client.quit().catch(() => undefined);
      // A socket still opening ends a moment after disconnect(); wait for that, so nothing is left open.
      const ending = ['connecting', 'connect', 'ready'].includes(client.status)
        ? new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 1000);
            client.once('end', () => {
              clearTimeout(timer);
              resolve();
            });
          })
        : undefined;
      // Also stops a reconnect loop (its timer) that quit cannot reach while Redis is down.
      if (client.status !== 'end') client.disconnect();
      await ending;
    }
    // After the disconnect, so a late connection error still has a listener and is not printed as unhandled.
    this.connection.dispose();
  }
}
