export { type Row, SqliteConnection as Connection, transaction, Where } from "@skein/sqlite";
