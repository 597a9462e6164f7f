import { describe, expect, it } from "vitest";
import {
  assertToolName,
  createToolNameMap,
  InvalidToolNameError,
  isProviderToolName,
  toProviderToolName,
} from "../../src/tools/tool-name.ts";

describe("assertToolName", () => {
  it("accepts what every provider accepts", () => {
    for (const name of ["get_weather", "a", "A-b_9", "x".repeat(64)])
      expect(() => assertToolName(name)).not.toThrow();
  });

  it.each([
    ["math.factorial", '"."'],
    ["", "empty"],
    ["x".repeat(65), "65 characters"],
    ["search web", '" "'],
    ["工具", '"工"'],
  ])("rejects %j with a clear message", (name, detail) => {
    let error: unknown;
    try {
      assertToolName(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidToolNameError);
    expect(error).toMatchObject({ code: "invalid_tool_name", toolName: name });
    expect((error as Error).message).toContain(detail);
    expect((error as Error).message).toContain("a-z, A-Z, 0-9");
  });
});

describe("toProviderToolName", () => {
  it("replaces characters providers reject and keeps valid names", () => {
    expect(toProviderToolName("math.factorial")).toBe("math_factorial");
    expect(toProviderToolName("server/tool:run")).toBe("server_tool_run");
    expect(toProviderToolName("ok-name")).toBe("ok-name");
    expect(toProviderToolName("")).toBe("_");
  });

  it("shortens long names with a stable hash", () => {
    const long = `${"a".repeat(70)}.b`;
    const short = toProviderToolName(long);
    expect(short).toHaveLength(64);
    expect(isProviderToolName(short)).toBe(true);
    expect(toProviderToolName(long)).toBe(short);
    expect(toProviderToolName(`${"a".repeat(70)}.c`)).not.toBe(short);
  });
});

describe("createToolNameMap", () => {
  it("maps dotted names both ways", () => {
    const map = createToolNameMap(["math.factorial", "spotify.play", "get_weather"]);
    expect(map.toProvider("math.factorial")).toBe("math_factorial");
    expect(map.fromProvider("math_factorial")).toBe("math.factorial");
    expect(map.toProvider("get_weather")).toBe("get_weather");
    expect(map.fromProvider("get_weather")).toBe("get_weather");
    expect(map.fromProvider("unknown_tool")).toBe("unknown_tool");
  });

  it("never lets a renamed tool take another tool's name, whatever the order", () => {
    for (const names of [
      ["a.b", "a_b", "a-b"],
      ["a_b", "a.b", "a/b", "a_b_2"],
    ]) {
      const map = createToolNameMap(names);
      const provider = names.map((n) => map.toProvider(n));
      expect(new Set(provider).size).toBe(names.length);
      for (const p of provider) expect(isProviderToolName(p)).toBe(true);
      for (const n of names) expect(map.fromProvider(map.toProvider(n))).toBe(n);
      expect(map.toProvider("a_b")).toBe("a_b");
    }
  });
});
