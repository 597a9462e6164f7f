// Entry of the built CLI, `packages/cli/dist/skein.js` (`npm run build`); `src/main.ts` is the entry from source.
import { enableCompileCache } from "node:module";
import { setBundleDir } from "./aliases.ts";

// V8's code cache on disk for the chunks loaded from here on (main.ts enables it too, for the sources).
enableCompileCache();
setBundleDir(new URL("./", import.meta.url));
await import("../main.ts");
