/**
 * What hygge does with each file of apache/parquet-testing's data/ folder (fixtures/parquet-testing).
 * No entry field set: DuckDB reads the file and hygge copies it parquet → parquet with the same
 * column names, DuckDB types and rows. `refused`: hygge fails with a HyggeError naming the file
 * and matching this pattern (the construct it cannot carry). `duckdb: "fails"`: DuckDB cannot read
 * the file (then hygge either refuses clearly or copies it, checked by `check`).
 */
export interface Expectation {
  duckdb?: "fails";
  refused?: RegExp;
  why?: string;
  /** DuckDB probe by DESCRIBE and count(*) only (the data would not fit a JS value). */
  heavy?: true;
  /** For files DuckDB cannot read: a DuckDB query on hygge's copy (`{out}`) and its expected rows. */
  check?: { sql: string; rows: Record<string, unknown>[] };
}

const ENCRYPTED: Expectation = {
  duckdb: "fails",
  refused: /the file is encrypted \(Parquet modular encryption/,
  why: "Parquet modular encryption: hygge has no keys and does not decrypt",
};
const GEO = (type: "GEOMETRY" | "GEOGRAPHY"): Expectation => ({
  refused: new RegExp(
    `column "\\w+" has a Parquet type hygge cannot read exactly: ${type} \\(hygge does not carry Parquet geospatial types yet\\)`,
  ),
  why: "GEOMETRY/GEOGRAPHY logical types (crs, edge algorithm) have no hygge Arrow mapping yet: refused, not written back as plain binary",
});
const LZ4_ROWS = [
  { c0: "1593604800", c1: "abc", v11: 42 },
  { c0: "1593604800", c1: "def", v11: 7.7 },
  { c0: "1593604801", c1: "abc", v11: 42.125 },
  { c0: "1593604801", c1: "def", v11: 7.7 },
];
const LZ4_CHECK = { sql: "SELECT * FROM {out}", rows: LZ4_ROWS };

export const CORPUS: Record<string, Expectation> = {
  "aes256/encrypt_columns_and_footer.parquet.encrypted": ENCRYPTED,
  "aes256/encrypt_columns_and_footer_ctr.parquet.encrypted": ENCRYPTED,
  "aes256/encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted": ENCRYPTED,
  "aes256/encrypt_columns_plaintext_footer.parquet.encrypted": ENCRYPTED,
  "aes256/uniform_encryption.parquet.encrypted": ENCRYPTED,
  "alltypes_dictionary.parquet": {},
  "alltypes_plain.parquet": {},
  "alltypes_plain.snappy.parquet": {},
  "alltypes_tiny_pages.parquet": {},
  "alltypes_tiny_pages_plain.parquet": {},
  "binary.parquet": {},
  "binary_truncated_min_max.parquet": {},
  "byte_array_decimal.parquet": {},
  "byte_stream_split.zstd.parquet": {},
  "byte_stream_split_extended.gzip.parquet": {
    duckdb: "fails",
    why: "DuckDB reads BYTE_STREAM_SPLIT for FLOAT/DOUBLE only; each *_byte_stream_split column holds the values of its *_plain twin",
    check: {
      sql: `SELECT count(*)::INT AS n, count(*) FILTER (WHERE
        float16_plain IS NOT DISTINCT FROM float16_byte_stream_split AND float_plain IS NOT DISTINCT FROM float_byte_stream_split
        AND double_plain IS NOT DISTINCT FROM double_byte_stream_split AND int32_plain IS NOT DISTINCT FROM int32_byte_stream_split
        AND int64_plain IS NOT DISTINCT FROM int64_byte_stream_split AND flba5_plain IS NOT DISTINCT FROM flba5_byte_stream_split
        AND decimal_plain IS NOT DISTINCT FROM decimal_byte_stream_split)::INT AS same,
        count(float_plain)::INT AS present FROM {out}`,
      rows: [{ n: 200, same: 200, present: 200 }],
    },
  },
  "column_chunk_key_value_metadata.parquet": {},
  "concatenated_gzip_members.parquet": {},
  "data_index_bloom_encoding_stats.parquet": {},
  "data_index_bloom_encoding_with_length.parquet": {},
  "datapage_v1-corrupt-checksum.parquet": {
    refused: /column a: DATA_PAGE at byte \d+ fails its CRC32 checksum \(the page is corrupt\)/,
    why: "the page's CRC32 does not match its bytes: corrupt data is refused (DuckDB does not check and reads it)",
  },
  "datapage_v1-snappy-compressed-checksum.parquet": {},
  "datapage_v1-uncompressed-checksum.parquet": {},
  "datapage_v2.snappy.parquet": {},
  "datapage_v2_empty_datapage.snappy.parquet": {},
  "delta_binary_packed.parquet": {},
  "delta_byte_array.parquet": {},
  "delta_encoding_optional_column.parquet": {},
  "delta_encoding_required_column.parquet": {},
  "delta_length_byte_array.parquet": {},
  "dict-page-offset-zero.parquet": {},
  "encrypt_columns_and_footer.parquet.encrypted": ENCRYPTED,
  "encrypt_columns_and_footer_aad.parquet.encrypted": ENCRYPTED,
  "encrypt_columns_and_footer_bloom_filter.parquet.encrypted": ENCRYPTED,
  "encrypt_columns_and_footer_ctr.parquet.encrypted": ENCRYPTED,
  "encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted": ENCRYPTED,
  "encrypt_columns_plaintext_footer.parquet.encrypted": ENCRYPTED,
  "external_key_material_java.parquet.encrypted": ENCRYPTED,
  "fixed_length_byte_array.parquet": {},
  "fixed_length_decimal.parquet": {},
  "fixed_length_decimal_legacy.parquet": {},
  "float16_nonzeros_and_nans.parquet": {},
  "float16_zeros_and_nans.parquet": {},
  "floating_orders_nan_count.parquet": {},
  "geospatial/crs-arbitrary-value.parquet": GEO("GEOMETRY"),
  "geospatial/crs-default.parquet": GEO("GEOMETRY"),
  "geospatial/crs-geography.parquet": GEO("GEOGRAPHY"),
  "geospatial/crs-projjson.parquet": GEO("GEOMETRY"),
  "geospatial/crs-srid.parquet": GEO("GEOMETRY"),
  "geospatial/geography-lines.parquet": GEO("GEOGRAPHY"),
  "geospatial/geography-points.parquet": GEO("GEOGRAPHY"),
  "geospatial/geography-polygons.parquet": GEO("GEOGRAPHY"),
  "geospatial/geospatial-with-nan.parquet": GEO("GEOMETRY"),
  "geospatial/geospatial.parquet": GEO("GEOMETRY"),
  "hadoop_lz4_compressed.parquet": {
    duckdb: "fails",
    why: "DuckDB has no Hadoop LZ4 codec; the rows are the ones documented by parquet-testing",
    check: LZ4_CHECK,
  },
  "hadoop_lz4_compressed_larger.parquet": {
    duckdb: "fails",
    why: "DuckDB has no Hadoop LZ4 codec",
    check: {
      sql: "SELECT count(*)::INT AS n, first(a) AS first, last(a) AS last FROM {out}",
      rows: [
        {
          n: 10000,
          first: "c7ce6bef-d5b0-4863-b199-8ea8c7fb117b",
          last: "85440778-460a-41ac-aa2e-ac3ee41696bf",
        },
      ],
    },
  },
  "incorrect_map_schema.parquet": {},
  "int32_decimal.parquet": {},
  "int32_with_null_pages.parquet": {},
  "int64_decimal.parquet": {},
  "int96_from_spark.parquet": {
    refused:
      /column "a", row group 0: an INT96 timestamp has a negative time of day \(-?\d+ ns\), which is not a valid INT96 value/,
    why: "its last value overflowed in Spark's own conversion (negative nanoseconds of day; DuckDB shows it as 226414 BC): no exact instant to carry",
  },
  "large_string_map.brotli.parquet": {
    heavy: true,
    refused: /column "arr", row group 0: its values in one row group pass 2147483647 bytes/,
    why: "two 1 GiB map keys in one row group: an Arrow JS string column holds at most 2 GiB per batch",
  },
  "list_columns.parquet": {},
  "lz4_raw_compressed.parquet": {},
  "lz4_raw_compressed_larger.parquet": {},
  "map_no_value.parquet": {
    duckdb: "fails",
    refused: /column "my_map_no_v": a map without values/,
    why: "a MAP whose key_value group has no value field: Arrow maps need values",
  },
  "nan_in_stats.parquet": {},
  "nation.dict-malformed.parquet": {},
  "nested_lists.snappy.parquet": {},
  "nested_maps.snappy.parquet": {},
  "nested_structs.rust.parquet": {},
  "non_hadoop_lz4_compressed.parquet": {
    duckdb: "fails",
    why: "DuckDB has no (non-raw) LZ4 codec; the rows are the ones documented by parquet-testing",
    check: LZ4_CHECK,
  },
  "nonnullable.impala.parquet": {},
  "null_list.parquet": {},
  "nullable.impala.parquet": {},
  "nulls.snappy.parquet": {},
  "old_list_structure.parquet": {},
  "overflow_i16_page_cnt.parquet": {},
  "page_v2_empty_compressed.parquet": {},
  "plain-dict-uncompressed-checksum.parquet": {},
  "repeated_no_annotation.parquet": {},
  "repeated_primitive_no_list.parquet": {},
  "rle-dict-snappy-checksum.parquet": {},
  "rle-dict-uncompressed-corrupt-checksum.parquet": {
    refused: /column long_field: DICTIONARY_PAGE at byte \d+ fails its CRC32 checksum/,
    why: "the dictionary page's CRC32 does not match its bytes: corrupt data is refused (DuckDB does not check)",
  },
  "rle_boolean_encoding.parquet": {},
  "single_nan.parquet": {},
  "sort_columns.parquet": {},
  "uniform_encryption.parquet.encrypted": ENCRYPTED,
  "unknown-logical-type.parquet": {},
};
