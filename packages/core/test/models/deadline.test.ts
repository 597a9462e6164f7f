import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ModelTimeoutError } from "../../src/errors/errors.ts";
import { Deadline } from "../../src/models/openai-compatible/deadline.ts";

// Fake timers and a fake performance.now(): the deadlines' clock is driven by hand, no real waiting.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const deadline = () => {
  const controller = new AbortController();
  return { controller, deadline: new Deadline(controller, "test", "http://model.test") };
};

describe("Deadline (the OpenAI-compatible adapter's connect / first-byte / idle limits)", () => {
  it("aborts with a ModelTimeoutError carrying the phase's message once the phase's time passes", () => {
    const { controller, deadline: d } = deadline();
    d.arm(100, "connect");
    vi.advanceTimersByTime(99);
    expect(controller.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBeInstanceOf(ModelTimeoutError);
    expect(d.error?.message).toBe("No response headers from http://model.test within 100 ms");
  });

  it("restarts the clock on every wait, moves to a new phase's limit, and stops on clear", () => {
    const { controller, deadline: d } = deadline();
    d.arm(100, "connect");
    vi.advanceTimersByTime(80);
    d.arm(300, "first-byte"); // a longer phase: the earlier timer re-checks and waits for the rest
    vi.advanceTimersByTime(250);
    expect(controller.signal.aborted).toBe(false);
    d.wait(); // data arrived and the adapter waits again: a fresh 300 ms
    vi.advanceTimersByTime(299);
    expect(controller.signal.aborted).toBe(false);
    d.clear();
    vi.advanceTimersByTime(10_000);
    expect(controller.signal.aborted).toBe(false);
  });

  it("does not count while paused (a slow consumer), and counts again from the next wait", () => {
    const { controller, deadline: d } = deadline();
    d.arm(100, "idle");
    d.pause();
    vi.advanceTimersByTime(1_000);
    expect(controller.signal.aborted).toBe(false);
    d.wait();
    vi.advanceTimersByTime(100);
    expect(d.error?.message).toBe("The stream from http://model.test was silent for 100 ms");
  });

  it("fires a shorter phase on time although a longer one was armed before it, for several calls at once", () => {
    const a = deadline();
    const b = deadline();
    a.deadline.arm(60_000, "idle");
    b.deadline.arm(50, "drain");
    vi.advanceTimersByTime(50);
    expect(b.controller.signal.aborted).toBe(true);
    expect(a.controller.signal.aborted).toBe(false);
    vi.advanceTimersByTime(59_950);
    expect(a.deadline.error?.message).toContain("silent for 60000 ms");
  });

  it("has no limit for 0 or Infinity", () => {
    const { controller, deadline: d } = deadline();
    d.arm(0, "connect");
    vi.advanceTimersByTime(1e9);
    d.arm(Number.POSITIVE_INFINITY, "idle");
    vi.advanceTimersByTime(1e9);
    expect(controller.signal.aborted).toBe(false);
  });
});
