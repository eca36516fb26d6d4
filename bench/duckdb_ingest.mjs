// duckdb_ingest.mjs — the DuckDB side of bench/survey_ingest.sh: the same
// work as `pishkhan survey import` into a DuckDB file. Read the CSV, drop
// repeated tracking numbers (the first row of each wins), store the
// responses, compute each office's count and mean, and CHECKPOINT so the
// file is durable when the script returns.
//
//   node bench/duckdb_ingest.mjs FILE.csv OUT.duckdb
//
// Of the formulations tried (bench/README.md), GROUP BY tracking_no with
// first() was the fastest; DISTINCT ON and a PRIMARY KEY with INSERT OR
// IGNORE were slower.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, dbfile] = process.argv.slice(2);
if (!csv || !dbfile) {
  console.error('usage: node bench/duckdb_ingest.mjs FILE.csv OUT.duckdb');
  process.exit(2);
}
const inst = await DuckDBInstance.create(dbfile);
const con = await inst.connect();
const src = `read_csv('${csv.replace(/'/g, "''")}', header=true, columns={
  'tracking_no':'VARCHAR','office_code':'VARCHAR','service_code':'VARCHAR',
  'rating':'INTEGER','answered_at':'VARCHAR'})`;
await con.run(`CREATE TABLE survey_response AS
  SELECT tracking_no, first(office_code) AS office_code, first(service_code) AS service_code,
         first(rating) AS rating, first(answered_at) AS answered_at
  FROM ${src} GROUP BY tracking_no`);
await con.run(`CREATE TABLE survey_stat AS
  SELECT office_code, count(*) AS n, avg(rating) AS mean FROM survey_response GROUP BY office_code`);
await con.run('CHECKPOINT');
const r = await con.runAndReadAll('SELECT count(*) FROM survey_response');
console.log(`duckdb: ${r.getRows()[0][0]} responses stored`);
