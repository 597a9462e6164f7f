/**
 * Bundle-size budget check: exits 1 when the minified bundle of @skein/core (dependencies included, its peer and
 * optional dependencies excluded) is over 100,000 bytes. Run with `node bench/bundle-budget.ts` (Node 24).
 */
import { BUNDLE_BUDGET_BYTES, budgetBundle } from "./bundle-size.ts";
import { fmtBytes } from "./stats.ts";

const bundle = await budgetBundle();
const summary =
  `@skein/core minified bundle: ${bundle.bytes.toLocaleString("en-US")} bytes (${fmtBytes(bundle.gzipBytes)} gzip), ` +
  `budget ${BUNDLE_BUDGET_BYTES.toLocaleString("en-US")} bytes`;
if (bundle.bytes > BUNDLE_BUDGET_BYTES) {
  console.error(`FAIL ${summary}. Largest inputs:`);
  for (const input of bundle.inputs.slice(0, 10))
    console.error(`  ${fmtBytes(input.bytes).padStart(10)}  ${input.path}`);
  if (bundle.lazyPackages.length > 0) {
    console.error(
      `Bundled although only loaded with import(): ${bundle.lazyPackages.join(", ")}. ` +
        "Declaring them optional peer dependencies of @skein/core takes them out of the budget.",
    );
  }
  process.exit(1);
}
console.log(`ok ${summary}`);
