/**
 * The deterministic cooperative scheduler. Every process runs its program as an async function,
 * but the kernel decides the interleaving: a blocking system call parks the caller on a gate (a
 * promise only the scheduler settles) and hands the turn on, so a switch happens only at a
 * blocking call, and the next one to run is always the same:
 *
 *   the lowest pid with something runnable — a process never started, or a pending call whose
 *   condition now holds (data, room, EOF, an exited child, its wake-up time) or whose process was
 *   killed (it resumes only to unwind); within one process, its pending calls in the order made.
 *
 * A process may have several calls pending at once (the shell runs the stages of a pipeline
 * concurrently); an async call made while another process holds the turn first waits for the
 * turn, and a process that holds the turn but has gone idle (all its calls already pending) gives
 * it up once the microtask queue is empty. When nothing is runnable, the scheduler first lets the microtask queue drain (a process
 * may be on its way to its next call), then moves the virtual clock to the earliest sleeper, or,
 * with none asleep, fails the run: deadlock. Nothing depends on host timers or I/O, only on the
 * order of promise jobs, which JavaScript defines, so runs repeat exactly.
 */
import type { Signal } from '../types.js';

/** Thrown into a killed process's pending (or next) system call, so its program unwinds. */
export class Killed extends Error {
  override name = 'Killed';
  constructor(readonly signal: Signal) {
    super(`killed by ${signal}`);
  }
}

/** Thrown into the running process when the OS stops (out of fuel, output limit, deadlock). */
export class Stopped extends Error {
  override name = 'Stopped';
  constructor(message = 'the OS stopped') {
    super(message);
  }
}

interface Waiter {
  readonly cond: () => boolean;
  /** For a sleep: the virtual time it waits for. */
  readonly wakeAt: bigint | null;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export interface Task {
  readonly pid: number;
  state: 'new' | 'live' | 'done';
  killedBy: Signal | null;
  /** Begins the program; called once, when the task first gets the turn. */
  readonly start: () => void;
  /** Its pending blocking calls, in the order made. */
  readonly waiters: Waiter[];
  /** Host work in progress that keeps the turn (see Scheduler.hold). */
  holding: number;
}

export interface SchedulerHooks {
  /** Nothing is runnable: move the clock to `t`, the earliest wake-up time. */
  advanceTo(t: bigint): void;
  /** Every task has exited. */
  idle(): void;
  /** Tasks remain, all blocked, none asleep. */
  deadlock(): void;
}

/** Runs `fn` once the microtask queue is empty (a macrotask; no timer clamping where avoidable). */
function afterMicrotasks(fn: () => void): void {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    g.setImmediate(fn);
    return;
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      fn();
    };
    channel.port2.postMessage(null);
    return;
  }
  setTimeout(fn, 0);
}

export class Scheduler {
  /** Live tasks in pid order (pids only grow, and a Map iterates in insertion order). */
  private readonly tasks = new Map<number, Task>();
  /** The task holding the turn; null while the scheduler is choosing. */
  current: Task | null = null;
  private stopped = false;
  private settling = false;
  /** Counts the turns given, so a stale idle check does nothing. */
  private turns = 0;

  constructor(private readonly hooks: SchedulerHooks) {}

  newTask(pid: number, start: () => void): Task {
    const task: Task = { pid, state: 'new', killedBy: null, start, waiters: [], holding: 0 };
    this.tasks.set(pid, task);
    return task;
  }

  /** The task is gone (exited, or killed before it started); its pending calls never return. Hands the turn on if it held it. */
  remove(task: Task): void {
    task.state = 'done';
    task.waiters.length = 0;
    this.tasks.delete(task.pid);
    if (this.current === task) this.dispatch();
  }

  /** No task will get the turn again. */
  stop(): void {
    this.stopped = true;
    this.current = null;
  }

  /**
   * Resolves once `cond()` holds and `task` has the turn; rejects with Killed when the task is
   * killed meanwhile. Returns at once when both already hold (no switch).
   */
  async block(task: Task, cond: () => boolean, wakeAt: bigint | null = null): Promise<void> {
    while (!(this.current === task && cond())) {
      if (this.stopped) await new Promise<never>(() => {});
      await new Promise<void>((resolve, reject) => {
        task.waiters.push({ cond, wakeAt, resolve, reject });
        if (this.current === task) this.dispatch();
      });
    }
  }

  /**
   * Runs host work (building an engine, say) while `task` keeps the turn: nothing else runs
   * until it settles, however long it takes in real time, so where the other processes are
   * when it ends does not depend on the host. The task must hold the turn.
   */
  async hold<T>(task: Task, work: () => Promise<T>): Promise<T> {
    if (this.current !== task) throw new Error('hold: the task does not hold the turn');
    task.holding++;
    try {
      return await work();
    } finally {
      task.holding--;
      // It may go idle from here: check again once the microtask queue is empty.
      if (task.holding === 0 && this.current === task) this.grant(task);
    }
  }

  /** Hands the turn to the next runnable task (see the file comment for the order). */
  dispatch(): void {
    this.current = null;
    if (this.stopped || this.settling) return;
    if (this.pick() === true) return;
    if (this.tasks.size === 0) return this.hooks.idle();
    this.settling = true;
    afterMicrotasks(() => {
      this.settling = false;
      while (!this.stopped && this.current === null) {
        const earliest = this.pick();
        if (earliest === true) return;
        if (this.tasks.size === 0) return this.hooks.idle();
        if (earliest === null) return this.hooks.deadlock();
        this.hooks.advanceTo(earliest);
      }
    });
  }

  /**
   * Gives `t` the turn. A process can go idle without a new blocking call (its other calls were
   * already pending, or its code awaits something else): once the microtask queue is empty and it
   * still holds this turn, the turn passes on.
   */
  private grant(t: Task): void {
    this.current = t;
    const turn = ++this.turns;
    afterMicrotasks(() => {
      // A task holding for host work keeps the turn; hold() checks again when it is done.
      if (this.turns === turn && this.current === t && !this.stopped && t.holding === 0) this.dispatch();
    });
  }

  /** Resumes the first runnable; true when it did, else the earliest wake-up time (or null). */
  private pick(): true | bigint | null {
    let earliest: bigint | null = null;
    for (const t of this.tasks.values()) {
      if (t.state === 'new') {
        t.state = 'live';
        this.grant(t);
        // Later, from the microtask queue: whoever handed the turn on first parks on its gate.
        void Promise.resolve().then(t.start);
        return true;
      }
      for (let i = 0; i < t.waiters.length; i++) {
        const w = t.waiters[i]!;
        if (t.killedBy === null && !w.cond()) {
          if (w.wakeAt !== null && (earliest === null || w.wakeAt < earliest)) earliest = w.wakeAt;
          continue;
        }
        t.waiters.splice(i, 1);
        this.grant(t);
        if (t.killedBy !== null) w.reject(new Killed(t.killedBy));
        else w.resolve();
        return true;
      }
    }
    return earliest;
  }
}
