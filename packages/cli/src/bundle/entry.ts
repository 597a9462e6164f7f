// Entry of the built CLI, `packages/cli/dist/skein.js` (`npm run build`); `src/main.ts` is the entry from source.
import { enableCompileCache } from "node:module";
import { type SharedPackages, setBundleDir } from "./aliases.ts";

/** Replaced by `scripts/build.ts` (esbuild `define`): the npm packages bundled that projects share. */
declare const SKEIN_SHARED_PACKAGES: SharedPackages;

// V8's code cache on disk for the chunks loaded from here on (main.ts enables it too, for the sources).
enableCompileCache();
setBundleDir(new URL("./", import.meta.url), SKEIN_SHARED_PACKAGES);
await import("../main.ts");
