declare module "lz4js" {
  const lz4: {
    compressBound(n: number): number;
    compressBlock(
      src: Uint8Array,
      dst: Uint8Array,
      sIndex: number,
      sLength: number,
      hashTable: Uint32Array,
    ): number;
  };
  export default lz4;
}
