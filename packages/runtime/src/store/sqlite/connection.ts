export { type Row, SqliteConnection, Where } from "@skein/sqlite";
