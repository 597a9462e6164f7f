import { type FSWatcher, watch } from "node:fs";
import path from "node:path";

/**
 * Watches files through their folders (not the files themselves): editors that save by writing a new file and
 * renaming it over the old one would end a per-file watch. `onChange` gets the changed file's path.
 */
export class FileWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly names = new Map<string, Set<string>>();
  private readonly onChange: (file: string) => void;

  constructor(onChange: (file: string) => void) {
    this.onChange = onChange;
  }

  /** Watches these files from now on (files watched before stay watched). */
  add(files: Iterable<string>): void {
    for (const file of files) {
      const dir = path.dirname(file);
      let names = this.names.get(dir);
      if (!names) {
        names = new Set();
        this.names.set(dir, names);
        try {
          const watcher = watch(dir, (_event, name) => {
            if (name !== null && this.names.get(dir)?.has(name.toString()))
              this.onChange(path.join(dir, name.toString()));
          });
          watcher.on("error", () => this.unwatch(dir));
          this.watchers.set(dir, watcher);
        } catch {
          // The folder went away; nothing to watch there.
        }
      }
      names.add(path.basename(file));
    }
  }

  private unwatch(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
    this.names.delete(dir);
  }

  close(): void {
    for (const dir of [...this.watchers.keys()]) this.unwatch(dir);
  }
}
