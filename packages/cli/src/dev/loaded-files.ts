import { registerHooks } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Records every local file imported from now on (the config, agent files, their modules and JSON data), so
 * `skein dev` knows what to watch. Files under node_modules are left out; modules already imported (the CLI
 * and the runtime) are in the module cache and never pass here.
 */
export function trackLoadedFiles(): Set<string> {
  const files = new Set<string>();
  const nodeModules = `${path.sep}node_modules${path.sep}`;
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith("file:")) {
        const file = fileURLToPath(url);
        if (!file.includes(nodeModules)) files.add(file);
      }
      return nextLoad(url, context);
    },
  });
  return files;
}
