import { parseUuid } from "@hygge/core";
import { type Data, FixedSizeBinary, makeData } from "apache-arrow";
import type { ColumnBuilder } from "../arrow/column-builder.js";

/** FixedSizeBinary(16) (`arrow.uuid` storage) from uuid text, 16 RFC 4122 bytes per value. */
export class UuidBuilder implements ColumnBuilder {
  readonly type = new FixedSizeBinary(16);
  private bytes: Uint8Array;
  private validity: Uint8Array;
  private length = 0;
  private nulls = 0;
  constructor(private capacity: number) {
    this.bytes = new Uint8Array(capacity * 16);
    this.validity = new Uint8Array((capacity + 7) >> 3);
  }
  private grow(): void {
    this.capacity *= 2;
    const bytes = new Uint8Array(this.capacity * 16);
    bytes.set(this.bytes);
    this.bytes = bytes;
    const validity = new Uint8Array((this.capacity + 7) >> 3);
    validity.set(this.validity);
    this.validity = validity;
  }
  get count(): number {
    return this.length;
  }
  push(value: unknown): void {
    if (value === null || value === undefined) {
      this.pushNull();
      return;
    }
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.validity[i >> 3]! |= 1 << (i & 7);
    this.bytes.set(parseUuid(String(value)), i * 16);
  }
  pushNull(): void {
    if (this.length === this.capacity) this.grow();
    this.length++;
    this.nulls++;
  }
  finish(): Data {
    const data = makeData({
      type: this.type,
      length: this.length,
      nullCount: this.nulls,
      nullBitmap: this.validity.slice(0, (this.length + 7) >> 3),
      data: this.bytes.slice(0, this.length * 16),
    });
    this.length = 0;
    this.nulls = 0;
    this.validity.fill(0);
    this.bytes.fill(0);
    return data;
  }
}
