/** What `hygge discover` and entity patterns ask a home definition for. */
export interface DiscoverRequest {
  signal: AbortSignal;
  /**
   * Entity patterns (`sales.*`, `!sales.tmp_*`, see `entityPatternMatcher`); none or empty lists
   * everything. A home may use them to narrow its catalogue query; core filters the answer again.
   */
  patterns?: readonly string[];
  /** Also describe each entity's columns (slower: a file home reads one footer or sample per entity). */
  columns?: boolean;
}

/** One column as the source declares it, and whether hygge can read it exactly. */
export interface DiscoveredColumn {
  name: string;
  /** The source's own type name (`numeric(18,2)`, `int4range`, `INT64`…). */
  sourceType: string;
  /** hygge's type name (`decimal(18,2)`, `timestamp(us, UTC)`), when readable. */
  type?: string;
  nullable?: boolean;
  /** Set when hygge cannot read it: why, and what to do (a cast, `columns:`…). */
  unreadable?: { reason: string; hint?: string };
}

/** One entity a home could read: a table or view, or an entity folder or file set. */
export interface DiscoveredEntity {
  /** The name to write under `entities:` (`sales.orders`, `orders`). */
  name: string;
  kind: "table" | "view" | "folder" | "files";
  /** From statistics, never a count (PostgreSQL reltuples, SQL Server partition stats, file footers). */
  estimatedRows?: number;
  files?: number;
  bytes?: number;
  columns?: DiscoveredColumn[];
}

/** A home definition's optional `discover`: the entities its options (without an entity) reach. */
export type DiscoverResult = DiscoveredEntity[];
