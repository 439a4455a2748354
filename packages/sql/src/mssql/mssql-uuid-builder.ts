import { parseUuid } from "@hygge/core";
import { FixedSizeBinary } from "apache-arrow";
import { StrideBuilder } from "../arrow/column-builder.js";

/** FixedSizeBinary(16) (`arrow.uuid` storage) from uuid text, 16 RFC 4122 bytes per value. */
export class UuidBuilder extends StrideBuilder {
  constructor(capacity: number) {
    super(new FixedSizeBinary(16), 16, capacity);
  }
  override push(value: unknown): void {
    if (value === null || value === undefined) {
      this.pushNull();
      return;
    }
    const bytes = parseUuid(String(value));
    const i = this.slot();
    this.bytes.set(bytes, i * 16);
  }
}
