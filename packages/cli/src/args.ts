import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

export const COMMANDS = ["chat", "serve", "dev", "keys"] as const;
export type CommandName = (typeof COMMANDS)[number];

export const MAIN_USAGE = `Usage: skein <command> [options]

Commands:
  chat [agent]   Chat with an agent in the terminal, or run it from a script
  serve          Serve the agents of skein.config.ts over HTTP (API keys required)
  dev            The same in dev mode: loopback, no API keys, restart on change
  keys           Manage API keys: create, list, revoke

Options:
  -h, --help     Show help (skein <command> --help for a command's options)
  --version      Print the version

Run "skein <command> --help" for a command's options ("skein chat --help" for how the model is chosen).`;

export const CHAT_USAGE = `Usage: skein chat [agent] [options]

  agent                 An agent file (.ts/.js exporting an Agent as default or as "agent"), or a folder
                        holding agent.ts. Default: the current folder.

Options:
  -p, --prompt <text>   Run one prompt, print the answer and exit (exit code 0 when the run is done)
  --model <name>        Model name (env SKEIN_MODEL)
  --base-url <url>      Any OpenAI-compatible server (env SKEIN_BASE_URL)
  --api-key <key>       API key (env SKEIN_API_KEY with a base URL, DASHSCOPE_API_KEY for Qwen)
  --region <region>     Alibaba Cloud Model Studio region for Qwen (env DASHSCOPE_REGION)
  --session <id>        Name this conversation; its history is kept in memory for this process
  --no-reasoning        Do not show the model's reasoning (and ask Qwen not to think)
  --json                Print the run's events as JSON lines (one object per line)
  -h, --help            Show this help
  --version             Print the version

Model: flags first, then the environment. With a base URL (--base-url or SKEIN_BASE_URL) the OpenAI-compatible
provider is used with SKEIN_MODEL and SKEIN_API_KEY; otherwise, with DASHSCOPE_API_KEY, Qwen on Alibaba Cloud
Model Studio (default model qwen-plus, region from DASHSCOPE_REGION). An agent that names its own model keeps
it unless --model or --base-url is given.

Without -p, prompts are read interactively; when stdin is not a terminal, each line is one turn (history kept)
until end of input. Ctrl-C cancels a running turn; Ctrl-C at the prompt or Ctrl-D exits.`;

export type TopLevel =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "command"; command: CommandName; args: string[] };

/** Splits `skein [global flags] <command> [command args]`; the command parses its own flags. */
export function parseTopLevel(argv: string[]): TopLevel {
  const first = argv[0];
  if (first === undefined || first === "-h" || first === "--help" || first === "help")
    return { kind: "help" };
  if (first === "--version" || first === "-v") return { kind: "version" };
  if (first.startsWith("-")) throw new UsageError(`Unknown option "${first}" before the command.`);
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(`Unknown command "${first}". Commands: ${COMMANDS.join(", ")}.`);
  }
  return { kind: "command", command: first as CommandName, args: argv.slice(1) };
}

export interface ChatArgs {
  agent?: string;
  prompt?: string;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  region?: string;
  session?: string;
  /** Show reasoning deltas (default true; `--no-reasoning` turns it off). */
  reasoning: boolean;
  json: boolean;
  help: boolean;
  version: boolean;
}

export function parseChatArgs(argv: string[]): ChatArgs {
  let parsed: ReturnType<typeof parseChat>;
  try {
    parsed = parseChat(argv);
  } catch (error) {
    // parseArgs throws TypeErrors with codes like ERR_PARSE_ARGS_UNKNOWN_OPTION; its messages are clear enough.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(`Expected at most one agent, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  if (values.prompt !== undefined && values.prompt.trim() === "") throw new UsageError("--prompt is empty.");
  return {
    agent: positionals[0],
    prompt: values.prompt,
    model: values.model,
    baseUrl: values["base-url"],
    apiKey: values["api-key"],
    region: values.region,
    session: values.session,
    reasoning: values.reasoning,
    json: values.json,
    help: values.help,
    version: values.version,
  };
}

const parseChat = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      prompt: { type: "string", short: "p" },
      model: { type: "string" },
      "base-url": { type: "string" },
      "api-key": { type: "string" },
      region: { type: "string" },
      session: { type: "string" },
      reasoning: { type: "boolean", default: true },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      version: { type: "boolean", default: false },
    },
  });
