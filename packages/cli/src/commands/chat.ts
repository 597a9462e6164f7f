import { createInterface, type Interface } from "node:readline";
import { styleText } from "node:util";
import { CHAT_USAGE, type ChatArgs, parseChatArgs } from "../args.ts";
import { loadAgent } from "../config/load-agent.ts";
import { describeModel, type Env, type ModelFactories, resolveModel } from "../config/resolve-model.ts";
import { SkeinError, type StopReason } from "../core-imports.ts";
import { EXIT, UsageError } from "../errors.ts";
import { JsonLinesRenderer } from "../render/json-lines-renderer.ts";
import { type Renderer, shouldUseColor, TerminalRenderer } from "../render/terminal-renderer.ts";
import { Conversation } from "./conversation.ts";

export interface ChatIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: Env;
  cwd: string;
  version: string;
  factories: ModelFactories;
}

export const exitCodeFor = (stopReason: StopReason): number =>
  stopReason === "done" ? EXIT.ok : stopReason === "cancelled" ? EXIT.cancelled : EXIT.runFailed;

/** `skein chat [agent]`: returns the process exit code. */
export async function chatCommand(argv: string[], io: ChatIO): Promise<number> {
  const color = shouldUseColor(io.stdout, io.env);
  const errorLine = (code: string, message: string) =>
    io.stderr.write(
      `${color ? styleText("red", `error [${code}]:`, { validateStream: false }) : `error [${code}]:`} ${message}\n`,
    );

  let args: ChatArgs;
  try {
    args = parseChatArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    errorLine(error.code, `${error.message}\nRun "skein chat --help" for usage.`);
    return EXIT.usage;
  }
  if (args.help) {
    io.stdout.write(`${CHAT_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.version) {
    io.stdout.write(`${io.version}\n`);
    return EXIT.ok;
  }

  let conversation: Conversation;
  let banner: string;
  const renderer: Renderer = args.json
    ? new JsonLinesRenderer((text) => io.stdout.write(text))
    : new TerminalRenderer({
        out: (text) => io.stdout.write(text),
        err: (text) => io.stderr.write(text),
        color,
        showReasoning: args.reasoning,
      });
  try {
    const { agent } = await loadAgent(args.agent, io.cwd);
    const { model } = resolveModel({ flags: args, env: io.env, agentModel: agent.model }, io.factories);
    conversation = new Conversation({ agent, model, renderer, sessionId: args.session });
    banner = `${agent.name} · ${describeModel(model)} · Ctrl-C cancels a run, Ctrl-D exits`;
  } catch (error) {
    if (!(error instanceof SkeinError)) throw error;
    errorLine(error.code, error.message);
    return EXIT.usage;
  }

  if (args.prompt !== undefined) return oneShot(conversation, args.prompt);
  if (io.stdin.isTTY) {
    io.stdout.write(`${color ? styleText("dim", banner, { validateStream: false }) : banner}\n`);
    return interactive(conversation, io, color ? styleText("bold", "> ", { validateStream: false }) : "> ");
  }
  return fromLines(conversation, io.stdin);
}

/** Cancels the current run on SIGINT (a second SIGINT while nothing runs ends the process as usual). */
function onSigint(handler: () => void): () => void {
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
}

async function oneShot(conversation: Conversation, prompt: string): Promise<number> {
  const controller = new AbortController();
  const release = onSigint(() => controller.abort());
  try {
    return exitCodeFor(await conversation.turn(prompt, controller.signal));
  } finally {
    release();
  }
}

/** Piped stdin: each non-empty line is one turn, history kept; ends at end of input. */
async function fromLines(conversation: Conversation, input: NodeJS.ReadableStream): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let current: AbortController | undefined;
  let cancelled = false;
  const release = onSigint(() => {
    cancelled = true;
    current?.abort();
    lines.close();
  });
  let exitCode: number = EXIT.ok;
  try {
    for await (const line of lines) {
      if (cancelled) break;
      if (line.trim() === "") continue;
      current = new AbortController();
      const code = exitCodeFor(await conversation.turn(line, current.signal));
      current = undefined;
      if (code === EXIT.cancelled) return code;
      if (code !== EXIT.ok) exitCode = code;
    }
  } finally {
    release();
    lines.close();
  }
  return cancelled ? EXIT.cancelled : exitCode;
}

/** Resolves with the next line, or undefined when the prompt is closed (Ctrl-D, or Ctrl-C at the prompt). */
const ask = (rl: Interface, prompt: string) =>
  new Promise<string | undefined>((resolve) => {
    const onClose = () => resolve(undefined);
    rl.once("close", onClose);
    rl.question(prompt, (answer) => {
      rl.off("close", onClose);
      resolve(answer);
    });
  });

async function interactive(conversation: Conversation, io: ChatIO, prompt: string): Promise<number> {
  // Raw mode only when both ends are a terminal; otherwise Ctrl-C arrives as a SIGINT signal.
  const terminal = io.stdout.isTTY === true;
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal, historySize: 200 });
  let current: AbortController | undefined;
  let closed = false;
  rl.on("close", () => {
    closed = true;
  });
  // In raw mode Ctrl-C reaches readline, not the process: cancel a running turn, or leave at the prompt.
  const interrupt = () => {
    if (current) current.abort();
    else rl.close();
  };
  rl.on("SIGINT", interrupt);
  const release = onSigint(interrupt);
  try {
    while (!closed) {
      const line = await ask(rl, prompt);
      if (line === undefined) break;
      const input = line.trim();
      if (input === "") continue;
      if (input === "/exit" || input === "/quit") break;
      current = new AbortController();
      await conversation.turn(input, current.signal);
      current = undefined;
    }
  } finally {
    release();
    rl.close();
    io.stdout.write("\n");
  }
  return EXIT.ok;
}
