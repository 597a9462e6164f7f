// Fails fast with a clear message when the repo's scripts run on an old Node.
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(
    `Skein needs Node >= 22 (found ${process.version}). Run through npm so node_modules/.bin/node (Node 24) is used.`,
  );
  process.exit(1);
}
