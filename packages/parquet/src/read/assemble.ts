import { type Data, makeData } from "apache-arrow";
import type { SchemaTree } from "hyparquet";
import type { LeafData } from "./chunk.js";
import { leafToArrow } from "./leaf-vector.js";
import type { Shape } from "./types.js";

/**
 * Dremel → Arrow. For a node N and any leaf X below it, the items of N in X's level stream are
 * the slots p with `rep[p] <= repLevel(N)` and `def[p] >= exist(N)`, where exist(N) is the
 * definition level of N's nearest repeated ancestor-or-self (0 at the top). A node's item is
 * non-null when `def[p] >= defLevel(N)`.
 */
interface Levels {
  def: number;
  rep: number;
  exist: number;
}

export type LeafLookup = (node: SchemaTree) => LeafData;

export function assembleColumn(shape: Shape, leafOf: LeafLookup): Data {
  if (shape.kind === "leaf") {
    return leafToArrow(shape.type, leafOf(shape.node)); // flat fast path
  }
  return build(shape, leafOf, own(shape, { def: 0, rep: 0, exist: 0 }));
}

/** A shape's levels: its node's, or its parent's when a list consumed the node's repetition. */
function own(shape: Shape, parent: Levels): Levels {
  return shape.inherit ? parent : levelsOf(shape.node, parent);
}

function levelsOf(node: SchemaTree, parent: Levels): Levels {
  const r = node.element.repetition_type;
  const def = parent.def + (r === "REQUIRED" ? 0 : 1);
  const rep = parent.rep + (r === "REPEATED" ? 1 : 0);
  return { def, rep, exist: r === "REPEATED" ? def : parent.exist };
}

function firstLeaf(node: SchemaTree): SchemaTree {
  return node.children.length === 0 ? node : firstLeaf(node.children[0]!);
}

function itemsOf(leaf: LeafData, lv: Levels): Int32Array {
  const { defs, reps, slots } = leaf;
  const out = new Int32Array(slots);
  let n = 0;
  for (let p = 0; p < slots; p++) {
    if ((leaf.maxRep === 0 || reps[p]! <= lv.rep) && (lv.exist === 0 || defs[p]! >= lv.exist)) out[n++] = p;
  }
  return out.subarray(0, n);
}

function validity(leaf: LeafData, items: Int32Array, def: number) {
  const n = items.length;
  const bitmap = new Uint8Array(((n + 63) >> 6) << 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (def === 0 || leaf.defs[items[i]!]! >= def) bitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return { nullCount, nullBitmap: nullCount > 0 ? bitmap : undefined };
}

function build(shape: Shape, leafOf: LeafLookup, lv: Levels): Data {
  const leafNode = firstLeaf(shape.node);
  const leaf = leafOf(leafNode);
  const items = itemsOf(leaf, lv);
  const optional = !shape.inherit && shape.node.element.repetition_type === "OPTIONAL";
  switch (shape.kind) {
    case "leaf":
      return leafToArrow(shape.type, leaf, items);
    case "struct": {
      const children = shape.children.map((c) => build(c, leafOf, own(c, lv)));
      const v = optional ? validity(leaf, items, lv.def) : { nullCount: 0, nullBitmap: undefined };
      return makeData({ type: shape.type, length: items.length, ...v, children } as never);
    }
    case "list":
    case "map": {
      // The repeated level (for a bare repeated field, the node itself: its own levels were not applied).
      const repLv = levelsOf(shape.repeated, lv);
      const entryItems = itemsOf(leaf, repLv);
      const valueOffsets = offsets(items, entryItems, leaf.slots);
      const v = optional ? validity(leaf, items, lv.def) : { nullCount: 0, nullBitmap: undefined };
      let child: Data;
      if (shape.kind === "list") {
        child = build(shape.element, leafOf, own(shape.element, repLv));
      } else {
        const key = build(shape.key, leafOf, own(shape.key, repLv));
        const value = build(shape.value, leafOf, own(shape.value, repLv));
        const entriesType = (shape.type as unknown as { children: { type: unknown }[] }).children[0]!.type;
        child = makeData({
          type: entriesType,
          length: key.length,
          nullCount: 0,
          children: [key, value],
        } as never);
      }
      return makeData({ type: shape.type, length: items.length, ...v, valueOffsets, child } as never);
    }
  }
}

/** Offsets of entries per item: entries in [items[k], items[k+1]) belong to item k. */
function offsets(items: Int32Array, entries: Int32Array, slots: number): Int32Array {
  const out = new Int32Array(items.length + 1);
  let e = 0;
  for (let k = 0; k < items.length; k++) {
    const end = k + 1 < items.length ? items[k + 1]! : slots;
    while (e < entries.length && entries[e]! < end) e++;
    out[k + 1] = e;
  }
  return out;
}
