export { type Row, SqliteConnection, transaction, Where } from "./connection.ts";
export { type MigrateOptions, type Migration, migrate } from "./migrations.ts";
