import { type Data, Field, List, Type } from "apache-arrow";
import { type ColumnBuilder, ListBuilder } from "../arrow/column-builder.js";
import {
  type AnyType,
  type Cell,
  type PgColumn,
  type PgReader,
  type PgTypeRow,
  readRefused,
} from "./pg-type-row.js";

/** Start and end (child indexes) of list `i`, for List, LargeList and FixedSizeList. */
function bounds(data: Data): (i: number) => [number, number] {
  const t = data.type as AnyType;
  if (t.typeId === Type.FixedSizeList) {
    const size = t.listSize as number;
    return (i) => [i * size, (i + 1) * size]; // a sliced FixedSizeList slices its child too
  }
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return (i) => [Number(offsets[i]), Number(offsets[i + 1])];
}

const LIST_TYPES = new Set<number>([Type.List, Type.LargeList, Type.FixedSizeList]);

/** The element field of a list field. */
export const elementOf = (field: Field): Field | undefined =>
  LIST_TYPES.has(field.type.typeId) ? (field.type as AnyType).children[0] : undefined;

/**
 * One-dimensional arrays of `element` ↔ Arrow List of its type (null elements and empty arrays
 * included). Multi-dimensional arrays and arrays with a lower bound other than 1 are refused
 * (an Arrow list has neither), when the data shows them.
 */
export function arrayRow(element: PgTypeRow): PgTypeRow {
  const elementOid = element.oids[0]!;
  const readElement = element.read!;
  return {
    name: `${element.name}[]`,
    oids: element.arrayOids!,
    read: (column: PgColumn): PgReader => {
      const inner = readElement(column);
      const child = new Field("item", inner.type, true, inner.metadata);
      const type = new List(child);
      return {
        type,
        builder: (capacity) => new ListBuilder(type, inner.builder(capacity) as never, capacity),
        decoder: (b) => {
          const list = b as ListBuilder;
          const items: ColumnBuilder = list.child;
          const decode = inner.decoder(items);
          return (buf, start) => {
            const ndim = buf.readInt32BE(start);
            list.open();
            if (ndim === 0) return list.close();
            if (ndim !== 1)
              throw readRefused(
                column.name,
                `a ${ndim}-dimensional array`,
                `Arrow lists have one dimension: unnest it in the query (e.g. "SELECT id, array_to_json(${column.name}) AS ${column.name}"), or leave it out with columns:.`,
              );
            const size = buf.readInt32BE(start + 12);
            const lower = buf.readInt32BE(start + 16);
            if (lower !== 1)
              throw readRefused(
                column.name,
                `an array with lower bound ${lower}`,
                `Arrow lists start at 1: re-base it in the query (e.g. "array_cat('{}', ${column.name})"), or leave it out with columns:.`,
              );
            let p = start + 20;
            for (let k = 0; k < size; k++) {
              const len = buf.readInt32BE(p);
              p += 4;
              if (len < 0) items.pushNull();
              else {
                decode(buf, p, len);
                p += len;
              }
            }
            list.close();
          };
        },
      };
    },
    takes: (field) => {
      const item = elementOf(field);
      return item !== undefined && Boolean(element.takes?.(item));
    },
    ddl: (field) => `${element.ddl!(elementOf(field)!)}[]`,
    // Arrays carry their element type's OID: only the element's own type accepts them unchanged.
    binaryTargets: () => [`${element.name}[]`],
    encode: (data, column) => {
      const childData = data.children[0]!;
      const inner = element.encode?.(childData, column);
      if (!inner) return undefined;
      const range = bounds(data);
      const write = inner.write;
      const nullable = childData.nullCount > 0;
      return {
        bytes: data.length * 24 + inner.bytes,
        write: (buf, at, i) => {
          const [startAt, end] = range(i);
          const count = end - startAt;
          buf.writeInt32BE(count === 0 ? 0 : 1, at + 4);
          buf.writeInt32BE(0, at + 8);
          buf.writeInt32BE(elementOid, at + 12);
          if (count === 0) {
            buf.writeInt32BE(12, at);
            return at + 16;
          }
          buf.writeInt32BE(count, at + 16);
          buf.writeInt32BE(1, at + 20);
          let p = at + 24;
          let nulls = false;
          for (let j = startAt; j < end; j++) {
            if (nullable && !childData.getValid(j)) {
              buf.writeInt32BE(-1, p);
              p += 4;
              nulls = true;
            } else p = write(buf, p, j);
          }
          if (nulls) buf.writeInt32BE(1, at + 8);
          buf.writeInt32BE(p - at - 4, at);
          return p;
        },
      };
    },
    guard: (data, column, typmod) => {
      const childData = data.children[0]!;
      const check = element.guard?.(childData, column, typmod);
      if (!check) return undefined;
      const range = bounds(data);
      return (i) => {
        const [startAt, end] = range(i);
        for (let j = startAt; j < end; j++) if (childData.getValid(j)) check(j);
      };
    },
    text: (data, column): Cell => {
      const childData = data.children[0]!;
      const cell = element.text!(childData, column);
      const range = bounds(data);
      return (i) => {
        const [startAt, end] = range(i);
        const parts: string[] = [];
        for (let j = startAt; j < end; j++)
          parts.push(childData.getValid(j) ? `"${cell(j).replace(/[\\"]/g, "\\$&")}"` : "NULL");
        return `{${parts.join(",")}}`;
      };
    },
  };
}
