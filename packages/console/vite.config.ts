import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built to static files (dist/, git-ignored) that the runtime serves at `/`. `npm run dev -w @skein/console`
// proxies the API to a local `skein dev` on :8080.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", reportCompressedSize: false },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8080", "/metrics": "http://127.0.0.1:8080" },
  },
});
