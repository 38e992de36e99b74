/**
 * What the hub's SQL runs on. `electron/core/team` opens the PostgreSQL connection (it is the
 * only place that imports `pg`) and hands this face to the functions here, so the SQL stays in
 * storage and the driver stays in one file.
 */
export interface HubConnection {
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/** One numbered step of the hub's schema, run in a transaction with its row in `schema_version`. */
export interface HubMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
